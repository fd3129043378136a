"""The bureau's corrections (reporting/services/corrections.py) at their edges: a narrative restored
as a new version by its restorer, the exact refusal of a version that does not exist, the first and
last month of the year closed, and closing or opening one plan's month leaving every other month and
plan as it was — also when another staff member closed the month a moment before."""

from unittest import mock

from django.contrib.messages import get_messages

from reporting import services
from targets.models import TargetValue
from tasks.models import Plan, ProgressReport, ReportingMonthClosure
from tests.reporting_base import ReportingTestCase


def closed_months():
    return sorted(ReportingMonthClosure.objects.values_list("plan__code", "month"))


class RestoreTests(ReportingTestCase):
    def test_it_restores_a_narrative_as_a_new_version_by_the_staff_member(self):
        first = services.save_progress(self.jxj_report, self.jxj_task, **self.progress_data(), user=self.jxj_liaison)
        services.save_progress(
            self.jxj_report, self.jxj_task, **self.progress_data(work_done="第二稿：项目进度偏慢。"), user=self.jxj_liaison
        )
        self.login(self.staff)
        record = first.history.get(version=1)
        response = self.client.post(
            f"/reporting/{self.jxj_report.pk}/history/restore/",
            {"kind": "progress", "object_id": first.pk, "history_id": record.history_id}, follow=True,
        )
        self.assertEqual([str(m) for m in get_messages(response.wsgi_request)], ["已恢复，当前为第 3 版。"])
        progress = ProgressReport.objects.get(pk=first.pk)
        self.assertEqual((progress.work_done, progress.version, progress.updated_by), ("召开推进会2次，走访企业5家。", 3, self.staff))
        newest = progress.history.order_by("-history_id").first()
        self.assertEqual((newest.history_user, newest.history_change_reason), (self.staff, "恢复至第 1 版"))

    def test_it_records_the_restorer_of_a_value(self):
        value = services.save_target_value(self.jrj_report, self.fund_size, value="12", note="一季度", user=self.jrj_liaison)
        services.save_target_value(self.jrj_report, self.fund_size, value="15", note="一季度", user=self.jrj_liaison)
        services.restore_version(value, value.history.get(version=1).history_id, self.staff)
        value = TargetValue.objects.get(pk=value.pk)
        self.assertEqual((str(value.value.normalize()), value.version, value.updated_by), ("12", 3, self.staff))

    def test_it_says_exactly_that_a_version_does_not_exist(self):
        value = services.save_target_value(self.jrj_report, self.fund_size, value="12", note="一季度", user=self.jrj_liaison)
        self.login(self.staff)
        response = self.client.post(
            f"/reporting/{self.jrj_report.pk}/history/restore/",
            {"kind": "value", "object_id": value.pk, "history_id": 999999}, follow=True,
        )
        self.assertEqual([str(m) for m in get_messages(response.wsgi_request)], ["历史版本不存在。"])
        self.assertEqual(TargetValue.objects.get(pk=value.pk).version, 1)


class MonthTests(ReportingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.other_plan = Plan.objects.create(code="2022", year=2022, title="2022年武汉市科技创新工作要点")  # an earlier year

    def test_it_closes_january_and_december(self):
        self.login(self.staff)
        for month in (1, 12):
            self.assertRedirects(self.client.post(f"/reporting/months/{month}/close/"), "/reporting/months/")
        self.assertEqual(closed_months(), [(self.plan.code, 1), (self.plan.code, 12)])

    def test_it_refuses_a_month_outside_the_year_and_saves_nothing(self):
        for month in (0, 13):
            with self.subTest(month=month), self.assertRaises(ValueError):
                services.close_month(self.plan, month, self.staff)
        self.assertEqual(closed_months(), [])

    def test_it_closes_a_month_whatever_else_is_closed(self):
        services.close_month(self.other_plan, 3, self.staff)  # the same month of another year
        services.close_month(self.plan, 2, self.staff)  # another month of this year
        march = services.close_month(self.plan, 3, self.staff)
        self.assertEqual((march.plan, march.month), (self.plan, 3))
        self.assertEqual(closed_months(), [("2022", 3), ("2023", 2), ("2023", 3)])

    def test_it_answers_with_the_closure_another_staff_member_made_a_moment_before(self):
        services.close_month(self.other_plan, 3, self.staff)
        services.close_month(self.plan, 2, self.staff)
        theirs = ReportingMonthClosure.objects.create(plan=self.plan, month=3, closed_by=self.leader)
        # The check for an existing closure ran before theirs was saved: the insert meets it instead.
        with mock.patch.object(ReportingMonthClosure.objects, "filter", return_value=ReportingMonthClosure.objects.none()):
            closure = services.close_month(self.plan, 3, self.staff)
        self.assertEqual((closure.pk, closure.closed_by), (theirs.pk, self.leader))
        self.assertEqual(closed_months(), [("2022", 3), ("2023", 2), ("2023", 3)])

    def test_it_opens_only_that_month_of_that_plan(self):
        for plan, month in ((self.plan, 3), (self.plan, 4), (self.other_plan, 3)):
            services.close_month(plan, month, self.staff)
        services.open_month(self.plan, 3, self.staff)
        self.assertEqual(closed_months(), [("2022", 3), ("2023", 4)])
        opened = ReportingMonthClosure.history.filter(plan_id=self.plan.pk, month=3, history_type="-").get()
        self.assertEqual((opened.history_user, opened.history_change_reason), (self.staff, "重新开放报送月份"))
