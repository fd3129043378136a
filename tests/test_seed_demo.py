"""python manage.py seed_demo [--progress] [--until YYYY-MM]."""

import io
import os
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase

from reporting.management.commands.seed_demo import DEFAULT_PASSWORD
from targets.models import Status, TargetStanding, TargetValue
from tasks.models import MonthlyReport, ProgressReport
from tasks.reporting import reporting_units
from units.access import is_staff
from units.models import Membership


def counts_at(plan, month):
    """{Status: number of targets} the pages show at `month` (the stored standings)."""
    counts = dict.fromkeys(Status, 0)
    for status in TargetStanding.objects.filter(plan=plan, month=month).values_list("status", flat=True):
        counts[Status(status)] += 1
    return counts


def run(*args, password=None):
    out = io.StringIO()
    env = {"DEMO_PASSWORD": password} if password else {}
    with mock.patch.dict(os.environ, env, clear=False):
        if not password:
            os.environ.pop("DEMO_PASSWORD", None)
        call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


class SeedDemoTests(TestCase):
    fixtures = ["plan_2023"]

    def test_it_creates_one_account_per_role_and_reporting_unit(self):
        from tasks.models import Plan

        output = run()
        plan = Plan.objects.get(code="2023")
        lines = output.splitlines()
        liaisons = Membership.objects.filter(role=Membership.Role.LIAISON)
        self.assertEqual(liaisons.count(), reporting_units(plan).count())
        # A short table by role and unit, not a line per account.
        self.assertEqual(lines[:7], [
            f"演示账户（密码：{DEFAULT_PASSWORD}）",
            "  系统管理员\u3000\u3000\u3000admin             市科技局，可进入 /admin/",
            "  科技局工作人员\u3000kjj_staff         市科技局",
            "  领导\u3000\u3000\u3000\u3000\u3000\u3000leader            —",
            "  单位联络员\u3000\u3000\u3000jxj_liaison       市经信局",
            "  单位联络员\u3000\u3000\u3000hongshan_liaison  洪山区人民政府",
            f"  其余 {liaisons.count() - 2} 个报送单位的联络员：单位代码_liaison（如 kjj_liaison），见“账户管理”",
        ])
        self.assertNotIn("gqrmzf_liaison", output)  # groups do not report
        self.assertFalse(get_user_model().objects.filter(username="gqrmzf_liaison").exists())
        admin = get_user_model().objects.get(username="admin")
        self.assertTrue(admin.is_superuser and admin.is_staff and admin.check_password(DEFAULT_PASSWORD))
        self.assertTrue(is_staff(admin))  # also uses the app as bureau staff
        self.assertFalse(get_user_model().objects.get(username="kjj_staff").is_superuser)
        self.client.force_login(admin)
        self.assertContains(self.client.get("/admin/"), "django_celery_beat")
        user = get_user_model().objects.get(username="jxj_liaison")
        self.assertEqual(user.email, "jxj_liaison@example.gov.cn")
        self.assertTrue(user.check_password(DEFAULT_PASSWORD))
        self.assertTrue(is_staff(get_user_model().objects.get(username="kjj_staff")))

    def test_it_is_idempotent(self):
        first = run("--progress", "--until", "2023-03")
        counts = (get_user_model().objects.count(), MonthlyReport.objects.count(), TargetValue.objects.count(),
                  ProgressReport.objects.count())
        second = run("--progress", "--until", "2023-03")
        self.assertEqual(first.splitlines()[:-1], second.splitlines()[:-1])
        self.assertIn("新建 0 份", second)
        self.assertEqual(
            counts,
            (get_user_model().objects.count(), MonthlyReport.objects.count(), TargetValue.objects.count(),
             ProgressReport.objects.count()),
        )

    def test_it_takes_the_password_from_the_environment(self):
        output = run(password="Another-Passw0rd")
        self.assertIn("DEMO_PASSWORD", output)
        self.assertNotIn("Another-Passw0rd", output)
        self.assertTrue(get_user_model().objects.get(username="leader").check_password("Another-Passw0rd"))
        with self.assertRaises(CommandError):
            run(password="short")

    def test_it_fills_plausible_approved_demo_reports(self):
        run("--progress", "--until", "2023-06")
        reports = MonthlyReport.objects.all()
        self.assertEqual(set(reports.values_list("month", flat=True)), {1, 2, 3, 4, 5, 6})
        self.assertFalse(reports.exclude(status="approved").exists())
        self.assertFalse(reports.filter(is_demo=False).exists())
        self.assertTrue(reports.filter(is_late=True).exists())
        self.assertTrue(reports.filter(is_late=False).exists())
        self.assertEqual(MonthlyReport.history.filter(status="returned").count(), 2)
        self.assertTrue(ProgressReport.objects.filter(needs_coordination=True).exclude(coordination_matter="").exists())
        self.assertFalse(ProgressReport.objects.filter(work_done="").exists())
        self.assertFalse(ProgressReport.objects.filter(self_status="behind", problems="").exists())
        from tasks.models import Plan

        plan = Plan.objects.get(code="2023")
        counts = counts_at(plan, 6)
        self.assertEqual(counts[Status.NOT_REPORTED], 0)
        self.assertEqual(counts[Status.NOT_DUE], 1)  # 市级科技领军企业: yearly
        self.assertGreater(counts[Status.ON_TRACK], counts[Status.BEHIND])
        self.assertGreater(counts[Status.BEHIND] + counts[Status.SERIOUSLY_BEHIND], 0)
        year_end = counts_at(plan, 12)  # values only to June: every figure judged at its own month
        self.assertEqual(year_end[Status.NOT_REPORTED], 1)  # the yearly one is due in December
        # Quarterly figures exist only for their periods: nothing for 高新技术企业数 in May.
        self.assertFalse(TargetValue.objects.filter(target__code="T08", month=5).exists())
        self.assertTrue(TargetValue.objects.filter(target__code="T08", month=6).exists())
        firms = plan.targets.get(code="T08")
        self.assertTrue(firms.baseline_is_demo)
        self.assertEqual(firms.baseline, 11500)

    def test_it_reaches_targets_over_a_full_year(self):
        from tasks.models import Plan

        run("--progress")
        plan = Plan.objects.get(code="2023")
        counts = counts_at(plan, 12)
        self.assertGreater(counts[Status.DONE], 0)
        self.assertGreater(counts[Status.SERIOUSLY_BEHIND] + counts[Status.BEHIND], 0)
        self.assertEqual(MonthlyReport.objects.filter(month=12).count(), reporting_units(plan).count())

    def test_it_leaves_real_reports_alone(self):
        from tasks.models import Plan
        from units.models import Unit

        plan = Plan.objects.get(code="2023")
        real = MonthlyReport.objects.create(plan=plan, unit=Unit.objects.get(code="jxj"), month=1)
        run("--progress", "--until", "2023-01")
        real.refresh_from_db()
        self.assertEqual((real.status, real.is_demo, real.progress.count()), ("draft", False, 0))

    def test_it_refuses_a_bad_until(self):
        for until in ("2022-05", "2023-13", "June"):
            with self.subTest(until=until), self.assertRaises(CommandError):
                run("--progress", "--until", until)
