"""Smoke tests of `manage.py bench`: it runs on a tiny dataset and prints its tables. Not timed."""

from io import StringIO
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from targets.management.commands.bench import Command as BenchCommand
from tasks.models import Plan
from tests.personas import PersonasTestCase


def bench(**options):
    out = StringIO()
    call_command("bench", runs=1, warmup=0, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


class BenchTests(PersonasTestCase):
    def test_it_prints_a_table_of_every_page_against_the_floor(self):
        output = bench(dataset="real")

        self.assertIn("Machine:", output)
        self.assertIn(f"Dataset real: 2023 {self.plan.title}", output)
        for label in (
            "floor (trivial view)", "overview /", "target list", "target detail", "task detail",
            "task list", "unit list", "unit detail", "review queue", "liaison home", "quarterly workbook",
            "reminders ×200",
        ):
            self.assertIn(label, output)
        misses = ("overview / (miss)", "target list (miss)", "task detail (miss)", "unit list (miss)")
        for label in (*misses, "target list, re-sort"):
            self.assertIn(label, output)
        # 4 lists + 22 task, 43 target and 45 unit pages, in Chinese and in English.
        self.assertIn("228 of 228 pages cached", output)
        self.assertIn("median ms", output)
        self.assertIn("× floor", output)
        self.assertIn("200 emails sent", output)
        self.assertNotIn("ERROR", output)

    def test_it_leaves_nothing_behind(self):
        bench(dataset="real", no_years_check=True)

        self.assertFalse(get_user_model().objects.filter(username__startswith="__bench_").exists())
        with self.assertRaises(Exception):
            reverse("bench_floor")  # the floor exists only inside the command

    def test_it_compares_queries_with_one_year_and_with_all_years(self):
        call_command("generate_scale_data", years=2, districts=1, stdout=StringIO())

        output = bench(dataset="both")

        self.assertIn("Dataset scale: scale-2014", output)
        self.assertIn("all data (2 synthetic years + the real plan) vs 1 year", output)
        self.assertIn("same queries?", output)
        # The rolled-back comparison removed nothing for good.
        self.assertEqual(Plan.objects.filter(is_synthetic=True).count(), 2)

    def test_it_fails_clearly_when_a_page_does_not_answer(self):
        def pages(command, plan):
            return [("floor (trivial view)", reverse("bench_floor"), "leader"), ("gone", "/targets/999999/", "leader")]

        with mock.patch.object(BenchCommand, "pages", pages), self.assertRaisesMessage(
            CommandError, "gone: /targets/999999/ answered 404"
        ):
            bench(dataset="real", no_years_check=True)

    def test_it_asks_for_the_scale_data_when_there_is_none(self):
        with self.assertRaisesMessage(CommandError, "generate_scale_data"):
            bench(dataset="scale")
