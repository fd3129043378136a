"""The figures of issue #9's first paragraph, on the demo data as `dev.py start` loads it (to November)."""

import datetime
from decimal import Decimal
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from reporting.services import approve_reports
from reports.reminders.content import status_changes
from targets.asof import default_month
from targets.models import Target, TargetStanding
from tasks.models import MonthlyReport, Plan, ProgressReport
from tasks.reporting import tasks_for_unit
from units.models import Unit

TODAY = datetime.date(2026, 12, 1)


class DemoFiguresTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_plan", stdout=StringIO())
        call_command("seed_demo", "--progress", "--until", "2023-11", stdout=StringIO())
        cls.plan = Plan.objects.get(code="2023")
        cls.staff = get_user_model().objects.get(username="kjj_staff")
        cls.leader = get_user_model().objects.get(username="leader")

    def overview(self, **params):
        self.client.force_login(self.leader)
        return self.client.get("/", params)

    def figures(self, response):
        context = response.context
        return (
            context["as_of"].month,
            [c["count"] for c in context["target_cards"]],
            [c["count"] for c in context["task_cards"]],
            len(context["late_units"]),
        )

    def approve_december(self, unit):
        report = MonthlyReport.objects.create(
            plan=self.plan, unit=unit, month=12, status=MonthlyReport.Status.SUBMITTED,
            submitted_at=timezone.now(), submitted_by=self.staff,
        )
        for target in self.plan.targets.filter(reporting_unit=unit):
            november = TargetStanding.objects.get(target=target, month=11).value or Decimal(0)
            report.values.create(target=target, unit=unit, month=12, value=november)
        for task in tasks_for_unit(self.plan, unit):
            ProgressReport.objects.create(report=report, task=task, self_status="behind", work_done="十二月")
        approve_reports([report], self.staff)
        return report

    def test_one_unit_s_december_changes_nothing_on_the_november_dashboard(self):
        self.assertEqual(default_month(self.plan, TODAY)[0], 11)  # every unit's November is approved
        before = self.figures(self.overview())
        self.assertEqual(before[0], 11)
        start = timezone.now()
        self.approve_december(Unit.objects.get(code="kjj"))
        after = self.figures(self.overview())
        self.assertEqual(after, before)  # same month, same cards, same late units
        self.assertEqual(self.figures(self.overview(month=11)), before)
        # The weekly bulletin's changes at December compare like with like: only 市科技局's targets,
        # whose December figure is new, can have changed.
        changes = status_changes(self.plan, 12, start, timezone.now() + datetime.timedelta(minutes=1))
        self.assertTrue(all(change["target"].reporting_unit.code == "kjj" for change in changes))

    def test_no_stock_starts_the_year_at_zero(self):
        firms = Target.objects.get(plan=self.plan, code="T08")
        self.assertTrue(firms.baseline_is_demo)
        first = TargetStanding.objects.get(target=firms, month=3)  # quarterly: March is its first period
        self.assertGreater(first.value, firms.baseline)
        self.assertGreater(first.value, Decimal(11000))  # not “1,573 high-tech firms in January”

    def test_a_one_off_project_is_never_forecast_beyond_itself(self):
        one_off = TargetStanding.objects.get(target__code="T22", month=11)  # 引进培育1个
        self.assertLessEqual(one_off.forecast_value, 1)
        facilities = TargetStanding.objects.get(target__code="T01", month=11)  # 推进建设4个
        self.assertLessEqual(facilities.forecast_value, 4)
        self.assertEqual(facilities.forecast_value, facilities.forecast_value.to_integral())

    def test_rates_are_compared_in_points(self):
        response = self.overview(month=11)
        self.assertEqual(response.status_code, 200)
        growth = TargetStanding.objects.get(target__code="T11", month=11)
        self.assertIsNone(growth.completion)
        self.assertEqual(growth.points, (growth.value - Decimal("11.5")).quantize(Decimal("0.1")))
