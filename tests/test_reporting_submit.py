"""/reporting/<pk>/submit/ — a unit submits its month for review."""

import datetime

import time_machine

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
