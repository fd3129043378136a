"""The bureau's review: the queue /reporting/review/, approve (one or several), return and reopen with a reason."""

from django.core import mail

from reporting import services
from tasks.models import MonthlyReport
from tests.reminders_support import deliveries_run_here
from tests.reporting_base import ReportingTestCase

QUEUE = "/reporting/review/"
APPROVE = "/reporting/review/approve/"


def status(report):
    return MonthlyReport.objects.get(pk=report.pk).status


class ReviewQueueTests(ReportingTestCase):
    def test_it_lists_submitted_reports(self):
        report = self.submitted(self.jxj_report, self.jxj_liaison)
        self.login(self.staff)
        response = self.client.get(QUEUE)
        self.assertEqual(response.status_code, 200)
        self.assertEqual([r.pk for r in response.context["waiting"]], [report.pk])
        self.assertContains(response, "市经信局")
        self.assertContains(response, f'<input type="checkbox" name="report" value="{report.pk}"')
        self.assertNotContains(response, "市地方金融局</a>")  # a draft does not wait for review

    def test_it_is_for_staff_only(self):
        for user in (self.jxj_liaison, self.leader, self.outsider):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(QUEUE).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(QUEUE).status_code, 302)

    def test_it_refuses_post(self):
        self.login(self.staff)
        self.assertEqual(self.client.post(QUEUE).status_code, 405)

    def test_it_uses_a_constant_number_of_queries(self):
        self.submitted(self.jxj_report, self.jxj_liaison)
        self.login(self.staff)
        self.client.get(QUEUE)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as one:
            self.client.get(QUEUE)
        self.submitted(self.hongshan_report, self.hongshan_liaison)
        self.submitted(self.jrj_report, self.jrj_liaison)
        report = self.submitted(services.get_or_create_report(self.plan, self.jrj, 4), self.jrj_liaison)
        services.return_report(report, self.staff, "补充")
        with self.assertNumQueries(len(one.captured_queries)):
            response = self.client.get(QUEUE)
        self.assertEqual(len(response.context["waiting"]), 3)


class ApproveTests(ReportingTestCase):
    def test_it_approves_one_report(self):
        report = self.submitted(self.jxj_report, self.jxj_liaison)
        self.login(self.staff)
        response = self.client.post(APPROVE, {"only": report.pk}, follow=True)
        self.assertContains(response, "已审核通过 1 份报送")
        self.assertEqual(status(report), "approved")

    def test_it_approves_several_checked_reports(self):
        jxj = self.submitted(self.jxj_report, self.jxj_liaison)
        hongshan = self.submitted(self.hongshan_report, self.hongshan_liaison)
        self.login(self.staff)
        response = self.client.post(APPROVE, {"report": [jxj.pk, hongshan.pk]}, follow=True)
        self.assertContains(response, "已审核通过 2 份报送")
        self.assertEqual((status(jxj), status(hongshan)), ("approved", "approved"))

    def test_it_approves_none_when_one_is_not_waiting(self):
        jxj = self.submitted(self.jxj_report, self.jxj_liaison)
        self.login(self.staff)
        response = self.client.post(APPROVE, {"report": [jxj.pk, self.jrj_report.pk]}, follow=True)
        self.assertContains(response, "不在待审核状态")
        self.assertEqual(status(jxj), "submitted")

    def test_it_refuses_an_empty_or_bad_selection(self):
        self.login(self.staff)
        self.assertContains(self.client.post(APPROVE, {}, follow=True), "请选择要审核通过的报送")
        self.assertContains(self.client.post(APPROVE, {"report": ["x"]}, follow=True), "请选择要审核通过的报送")
        self.assertEqual(self.client.post(APPROVE, {"report": [999999]}).status_code, 404)

    def test_it_is_for_staff_only(self):
        report = self.submitted(self.jxj_report, self.jxj_liaison)
        for user in (self.jxj_liaison, self.leader, self.outsider):
            self.login(user)
            self.assertEqual(self.client.post(APPROVE, {"only": report.pk}).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.post(APPROVE, {"only": report.pk}).status_code, 302)
        self.assertEqual(status(report), "submitted")
        self.login(self.staff)
        self.assertEqual(self.client.get(APPROVE).status_code, 405)


class ReturnTests(ReportingTestCase):
    def url(self, report):
        return f"/reporting/{report.pk}/return/"

    def test_it_returns_with_a_reason_and_emails_the_submitter(self):
        report = self.submitted(self.jxj_report, self.jxj_liaison)
        self.login(self.staff)
        with deliveries_run_here(), self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url(report), {"return-reason": "任务7缺少签约金额"}, follow=True)
        self.assertContains(response, "已退回")
        self.assertEqual(status(report), "returned")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["jxj@example.gov.cn"])
        self.assertIn("任务7缺少签约金额", mail.outbox[0].body)
        self.login(self.jxj_liaison)
        self.assertContains(self.client.get("/reporting/"), "任务7缺少签约金额")
        self.assertContains(self.client.get(f"/reporting/{report.pk}/"), "退回原因：任务7缺少签约金额")

    def test_it_then_lets_the_unit_fix_and_resubmit(self):
        report = self.submitted(self.jxj_report, self.jxj_liaison)
        services.return_report(report, self.staff, "补充")
        self.login(self.jxj_liaison)
        data = {**self.progress_data(work_done="补充了签约金额"), "needs_coordination": "", "version": 1}
        self.assertEqual(self.client.post(f"/reporting/{report.pk}/tasks/7/", data).status_code, 302)
        self.client.post(f"/reporting/{report.pk}/submit/")
        self.assertEqual(status(report), "submitted")

    def test_it_requires_a_reason(self):
        report = self.submitted(self.jxj_report, self.jxj_liaison)
        self.login(self.staff)
        response = self.client.post(self.url(report), {"return-reason": "  "})
        self.assertContains(response, "请填写原因", status_code=400)
        self.assertEqual(status(report), "submitted")
        self.assertEqual(len(mail.outbox), 0)

    def test_it_is_for_staff_only(self):
        report = self.submitted(self.jxj_report, self.jxj_liaison)
        for user in (self.jxj_liaison, self.hongshan_liaison, self.leader, self.outsider):
            self.login(user)
            self.assertEqual(self.client.post(self.url(report), {"return-reason": "x"}).status_code, 403)
        self.assertEqual(status(report), "submitted")
        self.login(self.staff)
        self.assertEqual(self.client.get(self.url(report)).status_code, 405)

    def test_it_only_returns_a_submitted_report(self):
        self.login(self.staff)
        response = self.client.post(self.url(self.jxj_report), {"return-reason": "x"}, follow=True)
        self.assertContains(response, "只能退回待审核的报送")
        self.assertEqual(status(self.jxj_report), "draft")


class ReopenTests(ReportingTestCase):
    def url(self, report):
        return f"/reporting/{report.pk}/reopen/"

    def test_it_reopens_an_approved_report_with_a_reason(self):
        report = self.approved(self.jxj_report, self.jxj_liaison)
        self.login(self.jxj_liaison)
        self.assertEqual(self.client.get(f"/reporting/{report.pk}/values/").status_code, 403)
        self.login(self.staff)
        response = self.client.post(self.url(report), {"reopen-reason": "统计口径调整"}, follow=True)
        self.assertContains(response, "已重新打开")
        self.assertEqual(status(report), "returned")
        self.login(self.jxj_liaison)
        self.assertEqual(self.client.get(f"/reporting/{report.pk}/tasks/7/").status_code, 200)
        self.assertContains(self.client.get("/reporting/"), "统计口径调整")

    def test_it_requires_a_reason_and_staff(self):
        report = self.approved(self.jxj_report, self.jxj_liaison)
        self.login(self.staff)
        self.assertContains(self.client.post(self.url(report), {}), "请填写原因", status_code=400)
        for user in (self.jxj_liaison, self.leader, self.outsider):
            self.login(user)
            self.assertEqual(self.client.post(self.url(report), {"reopen-reason": "x"}).status_code, 403)
        self.assertEqual(status(report), "approved")
