"""Smoke tests of `manage.py bench`: it runs on a small dataset and prints its tables. Not timed."""

import itertools
import re
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse

from benchmarks.management.commands import bench as bench_module
from benchmarks.management.commands.bench import Command as BenchCommand
from benchmarks.pages import COLD_PARAM
from targets.standing_store import refresh_for_units
from tasks.models import MonthlyReport, Plan
from tests.dashboard_seed import seed_months
from tests.personas import PersonasTestCase
from units.models import AuditEvent

pytestmark = pytest.mark.benchmark  # slow: run once per CI run (tests/conftest.py)

NUMBER = r"\s+\d+\.\d"
REAL_VIEWS = (
    "overview /", "overview ?month=other", "target list", "target list ?month=other", "target list ?status=behind",
    "target list ?sort=-completion", "target list ?task=…&kind=…", "target detail", "task list", "task detail",
    "unit list", "unit months table", "unit detail", "review queue", "liaison home",
)


def bench(**options):
    out = StringIO()
    options = {"runs": 1, "warmup": 0, "heavy_runs": 1, **options}
    call_command("bench", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def page_row(label, limit):
    """A page's row: cold ms, cold ×, warm ms, warm ×, queries and the verdict on the cold ratio."""
    return re.compile(
        rf"^{re.escape(label)}{NUMBER}+{NUMBER}+{NUMBER}+{NUMBER}+\s+\d+  (ok|MISSED) \(≤ {limit}×\)$", re.M
    )


class BenchTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        seed_months(cls.plan, [1, 2, 3], staff=cls.staff)
        cls.report = MonthlyReport.objects.get(plan=cls.plan, unit=cls.kjj, month=3)
        cls.before = (Session.objects.count(), AuditEvent.objects.count(), cls.report.version)
        cls.output = bench(dataset="real", no_years_check=True)  # one run for the tests that only read it

    def test_it_prints_cold_and_warm_figures_of_every_page_and_view_against_the_floor(self):
        output = self.output

        self.assertIn("Machine:", output)
        self.assertRegex(output, r"Load average at start: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d")
        self.assertRegex(output, r"Load average after the pages of real: \d+\.\d\d")
        self.assertIn(f"Dataset real: 2023 {self.plan.title}", output)
        self.assertRegex(output, r"page +cold ms +cold × +warm ms +warm × +queries  target \(cold\)")
        self.assertRegex(output, rf"(?m)^floor \(trivial view\){NUMBER}+\s+1\.0{NUMBER}+\s+1\.0\s+\d+$")
        for label in REAL_VIEWS:
            self.assertRegex(output, page_row(label, 4))
        self.assertNotIn("?page=2", output)  # 43 targets fit on one page
        self.assertNotIn("ERROR", output)

    def test_it_times_an_approval_the_workbook_and_the_reminders(self):
        self.assertRegex(
            self.output,
            r"approve a report \(\+ standings\)\s+\d+\.\d\s+\d+\.\d\s+\d+  (ok|MISSED) \(< 200 ms\); "
            r"市科技局 month 3, \d+ targets",
        )
        self.assertRegex(self.output, r"quarterly workbook Q1\s+\d+\.\d\s+\d+\.\d\s+\d+  (ok|MISSED) \(< 1 s\)")
        self.assertRegex(self.output, r"reminders ×200\s+\d+\.\d\s+\d+\.\d\s+\d+  200 emails sent")

    def test_it_leaves_nothing_behind(self):
        self.assertFalse(get_user_model().objects.filter(username__startswith="__bench_").exists())
        self.report.refresh_from_db()
        # No session, no audit event; the approvals were rolled back with everything they wrote.
        self.assertEqual((Session.objects.count(), AuditEvent.objects.count(), self.report.version), self.before)
        self.assertEqual(self.report.status, MonthlyReport.Status.APPROVED)
        with self.assertRaises(NoReverseMatch):
            reverse("bench_floor")  # the floor exists only inside the command

    def test_it_calls_the_write_path_that_refreshes_the_standings(self):
        # The write path refreshes the stored standings of the approved report's unit.
        with mock.patch("targets.standing_store.refresh_for_units", wraps=refresh_for_units) as refresh:
            bench(dataset="real", no_years_check=True)

        units = {tuple(call.args[1]) for call in refresh.call_args_list}
        self.assertEqual(units, {(self.kjj.pk,)})
        # Per run a reopen and an approval: 1 untimed, 1 timed, 1 counting the queries.
        self.assertEqual(refresh.call_count, 6)

    def test_cold_requests_are_new_urls_each_after_a_floor_request(self):
        urls = []
        original = BenchCommand.get

        def get(command, client, url):
            urls.append(url)
            return original(command, client, url)

        with mock.patch.object(BenchCommand, "get", get):
            bench(dataset="real", no_years_check=True, runs=2)

        floor = "/__bench__/floor/"
        cold = [url for url in urls if f"{COLD_PARAM}=" in url]
        self.assertEqual(len(cold), len(set(cold)))
        self.assertEqual(len(cold), 2 * 2 * len(REAL_VIEWS))  # 2 rounds, each page after a floor request
        pairs = list(zip(cold[::2], cold[1::2], strict=True))
        self.assertTrue(all(a.startswith(floor) and not b.startswith(floor) for a, b in pairs))
        # The warm rounds repeat the plain URLs, also each after the floor.
        warm = urls[urls.index(cold[-1]) + 1:]
        self.assertIn(floor, warm)
        self.assertIn(reverse("targets:list") + "?sort=-completion", warm)

    def test_a_cold_request_closes_the_connection_and_a_warm_one_does_not(self):
        command = BenchCommand()
        command.can_close, command.cold_counter = True, itertools.count(7)
        requested = []
        with mock.patch.object(BenchCommand, "get", lambda self, client, url: requested.append(url)), \
                mock.patch.object(connection, "close") as close:
            command.timed_get(Client(), "/targets/?status=behind", cold=True)
            self.assertEqual(close.call_count, 1)
            command.timed_get(Client(), "/targets/", cold=False)
            self.assertEqual(close.call_count, 1)
        self.assertEqual(requested, [f"/targets/?status=behind&{COLD_PARAM}=7", "/targets/"])

    def test_it_checks_the_cold_ratio_against_the_limit(self):
        with mock.patch.object(bench_module, "REAL_LIMIT", 0), self.assertRaises(SystemExit) as exit:
            bench(dataset="real", no_years_check=True, strict=True)
        self.assertEqual(exit.exception.code, 2)

    def test_it_compares_queries_with_one_year_and_all_years_and_with_more_targets(self):
        call_command("generate_scale_data", years=2, districts=1, stdout=StringIO())

        output = bench(dataset="both")

        self.assertIn("Dataset scale: scale-2014", output)
        self.assertRegex(output, page_row("target list ?page=2", 6))  # 86 targets: a second page
        self.assertRegex(output, r"quarterly workbook Q4\s+\d+\.\d\s+\d+\.\d\s+\d+  (ok|MISSED) \(< 2 s\)")
        self.assertIn("all data (2 synthetic years + the real plan) vs 1 year", output)
        self.assertIn("same queries 1y/10y?  43/774 targets?", output)
        for label in ("overview /", "target list", "task detail", "unit detail"):
            self.assertRegex(
                output, rf"(?m)^{re.escape(label)} .*ok \(same queries 1y/10y\)  ok \(same queries 43/774 targets\)$"
            )
        # The rolled-back comparison removed nothing for good.
        self.assertEqual(Plan.objects.filter(code__startswith="scale-").count(), 2)

    def test_it_fails_clearly_when_a_page_does_not_answer(self):
        def pages(command, plan):
            return [("gone", "/targets/999999/", "leader")]

        with mock.patch.object(BenchCommand, "pages", pages), self.assertRaisesMessage(
            CommandError, "gone: /targets/999999/ answered 404"
        ):
            bench(dataset="real", no_years_check=True)

    def test_it_asks_for_the_scale_data_when_there_is_none(self):
        with self.assertRaisesMessage(CommandError, "generate_scale_data"):
            bench(dataset="scale")

