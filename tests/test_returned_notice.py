"""The returned notice goes through the reminders' delivery: recorded with the return, sent once by the
worker's task through a real SMTP server, retried, listed and resent by staff like any reminder."""

from django.test import override_settings

from reporting import services
from reports.models import ReminderMessage
from reports.tasks import deliver_reminder, sweep_pending_reminders
from tests.reminders_support import deliveries_run_here, smtp_server, smtp_settings, text_of
from tests.reporting_base import ReportingTestCase

RETURNED = ReminderMessage.Kind.RETURNED


class ReturnedNoticeTests(ReportingTestCase):
    def return_it(self, reason="任务7缺少签约金额"):
        report = self.submitted(self.jxj_report, self.jxj_liaison)
        with self.captureOnCommitCallbacks(execute=True):
            return services.return_report(report, self.staff, reason)

    def test_it_is_sent_once_through_the_mail_server_to_the_submitter(self):
        with smtp_server() as (port, server), self.settings(**smtp_settings(port)), deliveries_run_here():
            report = self.return_it()
            row = ReminderMessage.objects.get(kind=RETURNED)
            deliver_reminder.apply(args=[row.pk])  # delivered twice (a redelivered task): still one email
            [message] = server.messages()
        self.assertEqual(message["To"], "jxj@example.gov.cn")
        self.assertEqual(message["Subject"].strip(), "【退回】市经信局2023年3月报送已退回")
        text = text_of(message)
        self.assertIn("贵单位2023年3月的月度报送已被市科技局退回，请修改后重新报送。", text)
        self.assertIn("原因：任务7缺少签约金额", text)
        self.assertIn(f"/reporting/{report.pk}/", text)
        row.refresh_from_db()
        self.assertEqual((row.period, row.status, row.attempts, row.unit), (f"r{report.pk}-v{report.version}", "sent", 1, self.jxj))

    @override_settings(REMINDER_MAX_RETRIES=3)
    def test_it_is_retried_when_the_mail_server_refuses_for_a_while(self):
        with smtp_server(fail_first=2) as (port, server), self.settings(**smtp_settings(port)), deliveries_run_here():
            self.return_it()
            self.assertEqual(server.attempts, 3)
            self.assertEqual(len(server.messages()), 1)
        row = ReminderMessage.objects.get(kind=RETURNED)
        self.assertEqual((row.status, row.attempts, row.error), ("sent", 3, ""))

    @override_settings(REMINDER_MAX_RETRIES=0)
    def test_a_failed_notice_is_listed_for_staff_and_resent_from_the_list(self):
        with smtp_server(fail_first=100) as (port, _server), self.settings(**smtp_settings(port)), deliveries_run_here():
            self.return_it()
        row = ReminderMessage.objects.get(kind=RETURNED)
        self.assertEqual(row.status, "failed")
        self.login(self.staff)
        page = self.client.get("/reports/reminders/", {"kind": "returned"})
        self.assertContains(page, "退回通知")
        self.assertContains(page, "jxj@example.gov.cn")
        self.assertContains(page, "发送失败")
        with smtp_server() as (port, server), self.settings(**smtp_settings(port)), deliveries_run_here():
            self.client.post(f"/reports/reminders/{row.pk}/resend/")
            self.assertEqual(len(server.messages()), 1)
        row.refresh_from_db()
        self.assertEqual(row.status, "sent")

    def test_a_notice_whose_task_was_lost_is_picked_up_by_the_sweep(self):
        self.return_it()  # queued to a broker nobody reads: the task is lost
        row = ReminderMessage.objects.get(kind=RETURNED)
        self.assertEqual(row.status, "pending")
        ReminderMessage.objects.filter(pk=row.pk).update(created=row.created.replace(year=2000))
        with smtp_server() as (port, server), self.settings(**smtp_settings(port)), deliveries_run_here():
            self.assertEqual(sweep_pending_reminders.apply().get(), 1)
            self.assertEqual(len(server.messages()), 1)

    def test_a_reopen_later_is_a_new_notice_with_its_own_reason(self):
        with deliveries_run_here():
            report = self.return_it("第一次退回")
            self.submitted(report, self.jxj_liaison)
            services.approve_reports([report], self.staff)
            with self.captureOnCommitCallbacks(execute=True):
                services.reopen_report(report, self.staff, "统计口径调整，请更正。")
        rows = list(ReminderMessage.objects.filter(kind=RETURNED).order_by("pk"))
        self.assertEqual(len(rows), 2)
        self.assertEqual([row.status for row in rows], ["sent", "sent"])
        from django.core import mail

        self.assertIn("第一次退回", mail.outbox[0].body)
        self.assertIn("市科技局已重新打开贵单位2023年3月的月度报送", mail.outbox[1].body)
        self.assertIn("统计口径调整，请更正。", mail.outbox[1].body)

    def test_nothing_is_recorded_when_the_submitter_has_no_address(self):
        self.jxj_liaison.email = ""
        self.jxj_liaison.save()
        self.return_it()
        self.assertFalse(ReminderMessage.objects.filter(kind=RETURNED).exists())
