"""Stored standings agree with the rules over randomised histories of approvals, reopenings and
year-start figures: whatever the order of reviews, the rows the write path keeps are the rows a
full recomputation gives (targets/standing_store.py `stored_differences`)."""

from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from reporting.services import approve_reports, reopen_report
from targets.models import Target, TargetStanding, TaskStanding
from targets.standing_store import stored_differences
from targets.year_start import YearStartForm, set_year_start
from tasks.models import MonthlyReport, ProgressReport
from tasks.reporting import tasks_for_unit
from tasks.signals import approved_data_changed, plan_data_changed
from tests import dashboard_seed
from tests.personas import PersonasTestCase
from units.models import Unit

UNITS = ["kjj", "jrj", "scjgj", "hongshan", "jxj"]
STOCKS = ["T08", "T20", "T23", "T26", "T43"]
SELF_STATUSES = ["on_track", "behind", "done", "not_started"]

operations = st.lists(
    st.tuples(
        st.sampled_from(["approve", "approve", "reopen", "year_start"]),
        st.sampled_from(UNITS),
        st.integers(min_value=1, max_value=12),
        st.integers(min_value=0, max_value=150),  # the figure, in percent of the target
        st.sampled_from(SELF_STATUSES),
    ),
    min_size=1,
    max_size=6,
)


class StoredStandingsTest(PersonasTestCase, HypothesisTestCase):
    def approve(self, unit, month, percent, self_status):
        report = MonthlyReport.objects.filter(plan=self.plan, unit=unit, month=month).first()
        if report is None:
            report = dashboard_seed.report(self.plan, unit, month, status=MonthlyReport.Status.SUBMITTED)
        elif report.status == MonthlyReport.Status.APPROVED:
            return
        else:
            MonthlyReport.objects.filter(pk=report.pk).update(status=MonthlyReport.Status.SUBMITTED)
        for target in self.plan.targets.filter(reporting_unit=unit, frequency__in=Target.frequencies_due_in(month)):
            number = (target.value * percent / 100).quantize(Decimal("0.01"))
            if target.kind == Target.Kind.MILESTONE:
                number = min(number, target.value)
            report.values.update_or_create(target=target, defaults={"unit": unit, "month": month, "value": number})
        for task in tasks_for_unit(self.plan, unit):
            ProgressReport.objects.update_or_create(report=report, task=task, defaults={"self_status": self_status, "work_done": "进展"})
        approve_reports([report], self.staff)

    def reopen(self, unit, month):
        report = MonthlyReport.objects.filter(plan=self.plan, unit=unit, month=month, status=MonthlyReport.Status.APPROVED).first()
        if report is not None:
            reopen_report(report, self.staff, "数据有误，重新填报")

    def year_start(self, code, percent):
        target = Target.objects.get(plan=self.plan, code=code)
        shown = "" if target.baseline is None else format(target.baseline.normalize(), "f")
        data = {"baseline": str((target.value * percent / 200).quantize(Decimal("0.01"))), "reason": "统计年报", "shown": shown}
        form = YearStartForm(data, target=target)
        self.assertTrue(form.is_valid(), form.errors)
        request = RequestFactory().post("/")
        request.user = self.staff
        self.assertTrue(set_year_start(target.pk, form, request))

    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(operations)
    def test_it_keeps_stored_standings_equal_to_the_rules(self, ops):
        units = {u.code: u for u in Unit.objects.filter(code__in=UNITS)}
        for action, unit_code, month, percent, self_status in ops:
            if action == "approve":
                self.approve(units[unit_code], month, percent, self_status)
            elif action == "reopen":
                self.reopen(units[unit_code], month)
            else:
                self.year_start(STOCKS[month % len(STOCKS)], max(percent, 1))
        self.assertEqual(stored_differences(self.plan), [])


class RebuildCommandTest(PersonasTestCase):
    def test_it_reports_and_corrects_a_stale_row(self):
        dashboard_seed.seed_months(self.plan, [1, 2, 3], staff=self.staff)
        t10 = TargetStanding.objects.get(target__code="T10", month=3)
        TargetStanding.objects.filter(pk=t10.pk).update(status="done", status_rank=0)
        TaskStanding.objects.filter(task__number=11, month=3).delete()
        out = StringIO()
        call_command("rebuild_standings", "--plan", "2023", stdout=out)
        self.assertIn("2023 T10 3月 status: done → on_track", out.getvalue())
        self.assertIn("2023 任务11 3月 *: None → missing", out.getvalue())
        self.assertIn("2023：3 处与规则不符，已更正", out.getvalue())  # status and its rank; the missing row
        self.assertEqual(TargetStanding.objects.get(pk=t10.pk).status, "on_track")
        self.assertEqual(stored_differences(self.plan), [])


class WritePathAnnouncementTest(PersonasTestCase):
    def test_the_standings_follow_what_the_write_path_announces(self):
        dashboard_seed.seed_months(self.plan, [1, 2, 3], staff=self.staff)
        march = TargetStanding.objects.filter(target__code="T10", month=3)  # 362.5 of 1450 at 25%: 正常
        march.update(status="done", status_rank=0)
        plan_data_changed.send(sender=None, plan=self.plan)  # as an admin edit or a bulk load does
        self.assertEqual(march.get().status, "on_track")
        march.update(status="done", status_rank=0)
        approved_data_changed.send(sender=MonthlyReport, plan=self.plan, unit_ids=[self.kjj.pk])  # an approval
        self.assertEqual(march.get().status, "on_track")
