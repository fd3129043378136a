"""Delivery through a real SMTP server (aiosmtpd on 127.0.0.1): what arrives, and failures retried."""

from decimal import Decimal
from io import BytesIO

from django.test import override_settings
from openpyxl import load_workbook

from reports.models import ReminderMessage
from reports.reminders import delivery as reminders
from reports.tasks import deliver_reminder
from targets.models import Target, TargetValue
from targets.standing_store import refresh_plan
from tasks.models import MonthlyReport, ProgressReport
from tests.personas import PersonasTestCase
from tests.reminders_support import at, html_of, report, smtp_server, smtp_settings, text_of

Kind = ReminderMessage.Kind


class SmtpDeliveryTests(PersonasTestCase):
    def test_it_delivers_the_monthly_notice_in_chinese_to_each_liaison(self):
        period = reminders.parse_period(Kind.MONTHLY_NOTICE, "2023-05")
        with smtp_server() as (port, server), self.settings(**smtp_settings(port)):
            result = reminders.run_now(Kind.MONTHLY_NOTICE, period)
        self.assertEqual(result.sent, 2)
        self.assertEqual(sorted(e.rcpt_tos[0] for e in server.envelopes), ["hongshan@example.gov.cn", "jxj@example.gov.cn"])
        message = next(m for m in server.messages() if m["To"] == "jxj@example.gov.cn")
        self.assertEqual(message["Subject"].strip(), "【月度报送通知】请于6月5日前报送2023年5月工作进展")
        self.assertIn("武汉市科技局", message["From"])
        text = text_of(message)
        self.assertIn("市经信局", text)
        self.assertIn("请于2023年6月5日（含）前在系统中报送贵单位5月的《2023年武汉市科技创新工作要点》落实情况。", text)
        self.assertIn("7. 大力培育创新产业集群", text)  # 市经信局 leads task 7
        self.assertIn("http://127.0.0.1:8000/reporting/", text)
        html = html_of(message)
        self.assertIn("<li>7. 大力培育创新产业集群</li>", html)
        self.assertIn('href="http://127.0.0.1:8000/reporting/"', html)
        row = ReminderMessage.objects.get(recipient="jxj@example.gov.cn")
        self.assertEqual((row.status, row.subject), ("sent", message["Subject"].strip()))
        self.assertIsNotNone(row.sent_at)

    def test_it_attaches_the_quarterly_workbook_with_the_figures_and_lists_coordination_items(self):
        t10 = Target.objects.get(plan=self.plan, code="T10")  # 技术合同成交额, monthly, reported by 市科技局
        for month, value in ((4, "400"), (5, "520.5")):
            kjj_report = report(self.plan, self.kjj, month, MonthlyReport.Status.APPROVED,
                                submitted_at=at(2023, month + 1, 3), reviewed_at=at(2023, month + 1, 4))
            TargetValue.objects.create(target=t10, unit=self.kjj, report=kjj_report, month=month, value=Decimal(value))
        refresh_plan(self.plan)  # reports made behind the write path's back
        jxj_may = report(self.plan, self.jxj, 5, MonthlyReport.Status.SUBMITTED, submitted_at=at(2023, 6, 2))
        task7 = self.plan.tasks.get(number=7)
        ProgressReport.objects.create(report=jxj_may, task=task7, work_done="五月进展", needs_coordination=True,
                                      coordination_matter="协调光谷科创大走廊用地指标")
        period = reminders.parse_period(Kind.QUARTERLY, "2023Q2")
        rows = reminders.prepare(Kind.QUARTERLY, period)
        leader_row = next(r for r in rows if r.recipient == "leader@example.gov.cn")
        with smtp_server() as (port, server), self.settings(**smtp_settings(port)):
            deliver_reminder.apply(args=[leader_row.pk])
        [message] = server.messages()
        self.assertEqual(message["To"], "leader@example.gov.cn")
        self.assertEqual(message["Subject"].strip(),
                         "【季度调度】2023年第2季度科技创新工作要点调度报告（需市级协调事项1项）")
        text = text_of(message)
        self.assertIn("1. 市经信局 · 5月 · 7. 大力培育创新产业集群", text)
        self.assertIn("协调光谷科创大走廊用地指标", text)
        self.assertIn("协调光谷科创大走廊用地指标", html_of(message))
        attachment, _notice = list(message.iter_attachments())  # the workbook, then the Word 通报
        self.assertEqual(attachment.get_filename(), "季度调度报告-2023Q2.xlsx")
        workbook = load_workbook(BytesIO(attachment.get_content()))
        sheet = workbook["指标完成情况"]
        t10_row = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "T10")
        self.assertIn(400, t10_row)
        self.assertIn(520.5, t10_row)
        self.assertIn("滞后", t10_row)  # 520.5 ÷ 1450 = 35.9% at May's 41.7%
        coordination = [row for row in workbook["需市级协调事项"].iter_rows(values_only=True)]
        self.assertTrue(any("协调光谷科创大走廊用地指标" in row for row in coordination))

    @override_settings(REMINDER_MAX_RETRIES=4)
    def test_it_retries_a_failed_smtp_send_and_then_sends_it_once(self):
        period = reminders.parse_period(Kind.MONTHLY_OVERDUE, "2023-05")
        rows = reminders.prepare(Kind.MONTHLY_OVERDUE, period)
        row = next(r for r in rows if r.recipient == "hongshan@example.gov.cn")
        with smtp_server(fail_first=2) as (port, server), self.settings(**smtp_settings(port)):
            deliver_reminder.apply(args=[row.pk])  # eager: the retries run at once, without the back-off
            self.assertEqual(server.attempts, 3)
            [message] = server.messages()
            row.refresh_from_db()
            self.assertEqual((row.status, row.attempts, row.error), ("sent", 3, ""))
            self.assertEqual(message["Subject"].strip(), "【逾期催报】2023年5月工作进展已逾期未报送")
            self.assertIn("洪山区人民政府", text_of(message))
            # The task delivered twice (a redelivered message) sends nothing more.
            deliver_reminder.apply(args=[row.pk])
            self.assertEqual(len(server.envelopes), 1)

    @override_settings(REMINDER_MAX_RETRIES=2)
    def test_it_records_the_failure_after_the_last_retry_and_sends_once_when_sent_again(self):
        period = reminders.parse_period(Kind.MONTHLY_SUMMARY, "2023-05")
        [row] = reminders.prepare(Kind.MONTHLY_SUMMARY, period)
        with smtp_server(fail_first=100) as (port, server), self.settings(**smtp_settings(port)):
            deliver_reminder.apply(args=[row.pk])
            self.assertEqual(server.attempts, 3)
        row.refresh_from_db()
        self.assertEqual((row.status, row.attempts), ("failed", 3))
        self.assertIn("451", row.error)
        self.assertIsNone(row.sent_at)
        # Bureau staff send it again once the server is back.
        self.assertTrue(reminders.reopen_for_resend(row.pk))
        with smtp_server() as (port, server), self.settings(**smtp_settings(port)):
            deliver_reminder.apply(args=[row.pk])
            deliver_reminder.apply(args=[row.pk])
            self.assertEqual(len(server.envelopes), 1)
            self.assertIn("应报送单位", text_of(server.messages()[0]))
        row.refresh_from_db()
        self.assertEqual((row.status, row.attempts, row.error), ("sent", 4, ""))

    @override_settings(REMINDER_MAX_RETRIES=1)
    def test_it_retries_when_the_mail_server_is_unreachable(self):
        period = reminders.parse_period(Kind.MONTHLY_SUMMARY, "2023-05")
        [row] = reminders.prepare(Kind.MONTHLY_SUMMARY, period)
        with smtp_server() as (port, _server):
            pass  # started and stopped: nothing listens on the port now
        with self.settings(**smtp_settings(port)):
            deliver_reminder.apply(args=[row.pk])
        row.refresh_from_db()
        self.assertEqual((row.status, row.attempts), ("failed", 2))
        self.assertIn("ConnectionRefusedError", row.error)
