"""/reporting/<pk>/submit/ — a unit submits its month for review."""

import datetime

import time_machine

from reporting import services
from tasks.models import MonthlyReport
from tests.reporting_base import ReportingTestCase

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


class SubmitTests(ReportingTestCase):
    def url(self, report=None):
        return f"/reporting/{(report or self.jxj_report).pk}/submit/"

    def status(self, report=None):
        return MonthlyReport.objects.get(pk=(report or self.jxj_report).pk).status

    def test_it_submits_a_complete_report_on_time(self):
        self.fill(self.jxj_report, self.jxj_liaison)
        with time_machine.travel(datetime.datetime(2023, 4, 4, 9, tzinfo=SHANGHAI), tick=False):
            self.login(self.jxj_liaison)
            response = self.client.post(self.url(), follow=True)
        self.assertContains(response, "已报送，等待市科技局审核。")
        report = MonthlyReport.objects.get(pk=self.jxj_report.pk)
        self.assertEqual((report.status, report.is_late, report.submitted_by), ("submitted", False, self.jxj_liaison))

    def test_it_accepts_a_late_submission_and_marks_it(self):
        self.fill(self.jxj_report, self.jxj_liaison)
        with time_machine.travel(datetime.datetime(2023, 4, 12, 9, tzinfo=SHANGHAI), tick=False):
            self.login(self.jxj_liaison)
            response = self.client.post(self.url(), follow=True)
        self.assertContains(response, "记为逾期报送")
        self.assertTrue(MonthlyReport.objects.get(pk=self.jxj_report.pk).is_late)
        self.assertContains(response, "逾期报送")

    def test_it_lists_what_is_missing_and_keeps_the_draft(self):
        self.login(self.jxj_liaison)
        response = self.client.post(self.url(), follow=True)
        self.assertContains(response, "未能报送")
        self.assertContains(response, "未填报任务进展")
        self.assertEqual(self.status(), "draft")

    def test_it_lets_staff_submit_for_a_unit(self):
        self.fill(self.jxj_report, self.staff)
        self.login(self.staff)
        self.client.post(self.url())
        self.assertEqual(self.status(), "submitted")

    def test_it_refuses_a_second_submission(self):
        self.submitted(self.jxj_report, self.jxj_liaison)
        self.login(self.jxj_liaison)
        self.assertEqual(self.client.post(self.url()).status_code, 403)

    def test_it_hides_another_units_report(self):
        self.fill(self.jxj_report, self.jxj_liaison)
        self.login(self.hongshan_liaison)
        self.assertEqual(self.client.post(self.url()).status_code, 404)
        self.assertEqual(self.status(), "draft")

    def test_it_refuses_leaders_outsiders_and_anonymous(self):
        self.fill(self.jxj_report, self.jxj_liaison)
        self.assertEqual(self.client.post(self.url()).status_code, 302)
        for user in (self.leader, self.outsider):
            self.login(user)
            self.assertEqual(self.client.post(self.url()).status_code, 403)
        self.assertEqual(self.status(), "draft")

    def test_it_refuses_get(self):
        self.login(self.jxj_liaison)
        self.assertEqual(self.client.get(self.url()).status_code, 405)


class HolidayDeadlineSubmitTests(ReportingTestCase):
    """September 2023 is due on Saturday 7 October, a 调休 working day: 5 October is a National Day holiday."""

    GRID = "/reporting/grid/"

    def submit_september(self, unit, liaison, day):
        report = services.get_or_create_report(self.plan, unit, 9)
        with time_machine.travel(datetime.datetime(2023, 10, day, 16, tzinfo=SHANGHAI), tick=False):
            self.fill(report, liaison)
            self.login(liaison)
            response = self.client.post(f"/reporting/{report.pk}/submit/", follow=True)
        self.assertEqual(response.status_code, 200)
        return MonthlyReport.objects.get(pk=report.pk)

    def grid_cell(self, day, unit_code, month=9):
        with time_machine.travel(datetime.datetime(2023, 10, day, 18, tzinfo=SHANGHAI), tick=False):
            self.login(self.staff)
            response = self.client.get(self.GRID)
        row = next(r for r in response.context["rows"] if r["unit"].code == unit_code)
        return response, row["cells"][month - 1]

    def test_it_takes_a_submission_on_the_make_up_saturday_as_on_time(self):
        report = self.submit_september(self.jxj, self.jxj_liaison, 7)
        self.assertEqual((report.status, report.is_late), ("submitted", False))
        response, cell = self.grid_cell(8, "jxj")
        self.assertEqual(cell["state"], "on_time")
        self.assertContains(response, f'<a href="/reporting/{report.pk}/">按时报送</a>', html=True)
        self.assertNotContains(response, f'<a href="/reporting/{report.pk}/">逾期报送</a>', html=True)

    def test_it_marks_a_submission_the_day_after_the_moved_deadline_late(self):
        report = self.submit_september(self.hongshan, self.hongshan_liaison, 8)
        self.assertTrue(report.is_late)
        response, cell = self.grid_cell(8, "hongshan")
        self.assertEqual(cell["state"], "late")
        self.assertContains(response, f'<a href="/reporting/{report.pk}/">逾期报送</a>', html=True)

    def test_it_counts_a_month_not_submitted_missing_only_after_the_moved_deadline(self):
        # Due on the unmoved 5 October, it would be missing from the 6th.
        self.assertEqual(self.grid_cell(6, "fgw")[1]["state"], "not_due")
        self.assertEqual(self.grid_cell(7, "fgw")[1]["state"], "not_due")
        self.assertEqual(self.grid_cell(8, "fgw")[1]["state"], "missing")


class SubmitRefusalWordingTests(ReportingTestCase):
    """What a liaison reads when a month cannot be sent: every missing item, in plan order."""

    def test_it_names_each_missing_target_and_task_in_plan_order(self):
        # 市地方金融局 in March: T16, T17 and T18 (quarterly, due in March) and T43; tasks 19 and 21.
        services.save_target_value(self.jrj_report, self.loan_growth, value="11", source="测试", user=self.jrj_liaison)
        self.login(self.jrj_liaison)
        response = self.client.post(f"/reporting/{self.jrj_report.pk}/submit/", follow=True)
        self.assertContains(
            response,
            "未填报指标：科技保险增速、创业投资增速、武创科技成果转化基金规模；"
            "未填报任务进展：19. 加强知识产权创造运用保护、21. 健全科技金融服务体系",
        )
        self.assertEqual(MonthlyReport.objects.get(pk=self.jrj_report.pk).status, "draft")

    def test_it_asks_in_april_only_for_the_targets_due_in_april(self):
        # April: the quarterly T17 and T18 are not due; T16, T43 and the two tasks complete the month.
        april = services.get_or_create_report(self.plan, self.jrj, 4)
        services.save_target_value(april, self.loan_growth, value="11", source="测试", user=self.jrj_liaison)
        services.save_target_value(april, self.fund_size, value="20", source="测试", user=self.jrj_liaison)
        for number in (19, 21):
            services.save_progress(april, self.plan.tasks.get(number=number), **self.progress_data(),
                                   user=self.jrj_liaison)
        self.assertEqual(services.missing_items(april), ([], []))
        services.submit_report(april, self.jrj_liaison)
        self.assertEqual(MonthlyReport.objects.get(pk=april.pk).status, "submitted")

    def test_it_says_a_report_already_sent_cannot_be_sent_again(self):
        self.submitted(self.jxj_report, self.jxj_liaison)
        with self.assertRaises(services.NotEditable) as refused:
            services.submit_report(self.jxj_report, self.jxj_liaison)
        self.assertEqual(str(refused.exception), "该报送已报送或已审核。")
