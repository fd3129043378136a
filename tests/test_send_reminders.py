"""python manage.py send_reminders KIND [--period …] [--dry-run]"""

from io import StringIO

import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from reports.models import ReminderMessage
from tests.personas import PersonasTestCase
from tests.reminders_support import at, smtp_server, smtp_settings


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class SendRemindersCommandTests(PersonasTestCase):
    def test_it_lists_the_recipients_of_a_dry_run_and_records_nothing(self):
        out, _err = run("monthly-notice", "--period", "2023-05", "--dry-run")
        self.assertIn("monthly-notice 2023-05 (2023年5月), scheduled for 2023-06-01", out)
        self.assertIn("jxj@example.gov.cn jxj_liaison [市经信局]", out)
        self.assertIn("hongshan@example.gov.cn hongshan_liaison [洪山区人民政府]", out)
        self.assertIn("Dry run: 2 recipient(s), nothing recorded or sent.", out)
        self.assertFalse(ReminderMessage.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_it_sends_each_message_once_however_often_it_runs(self):
        out, _err = run("weekly", "--period", "2023-W20")
        self.assertIn("2 recipient(s), 2 newly recorded, 2 sent now, 0 failed.", out)
        out, _err = run("weekly", "--period", "2023-W20")
        self.assertIn("2 recipient(s), 0 newly recorded, 0 sent now, 0 failed.", out)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["leader@example.gov.cn", "staff@example.gov.cn"])
        self.assertEqual(mail.outbox[0].subject,
                         "【每周通报】科技创新工作要点调度情况 2023年第20周（5月15日至5月21日）")
        self.assertEqual(set(ReminderMessage.objects.values_list("status", flat=True)), {"sent"})

    def test_it_defaults_to_the_period_the_schedule_would_use_today(self):
        with time_machine.travel(at(2023, 10, 7, 10, 0), tick=False):
            out, _err = run("quarterly", "--dry-run")
        self.assertIn("quarterly 2023Q3 (2023年第3季度), scheduled for 2023-10-07", out)
        with time_machine.travel(at(2023, 6, 6, 9, 0), tick=False):
            out, _err = run("monthly-overdue", "--dry-run")
        self.assertIn("monthly-overdue 2023-05 (2023年5月), scheduled for 2023-06-06", out)
        self.assertIn("staff@example.gov.cn", out)

    def test_it_rejects_a_bad_kind_or_period(self):
        with self.assertRaisesMessage(CommandError, "“2023-5”不是有效的期间，请按 2023-05 的格式填写。"):
            run("monthly-summary", "--period", "2023-5")
        with self.assertRaisesMessage(CommandError, "没有 2021 年的工作要点。"):
            run("quarterly", "--period", "2021Q1")
        with self.assertRaises(CommandError):
            run("returned", "--period", "2023-05")
        self.assertFalse(ReminderMessage.objects.exists())

    def test_it_reports_failures_and_sends_them_again_with_retry_failed(self):
        with smtp_server(fail_first=100) as (port, server), self.settings(**smtp_settings(port)):
            with self.assertRaisesMessage(CommandError, "1 message(s) failed"):
                run("monthly-summary", "--period", "2023-05")
        row = ReminderMessage.objects.get()
        self.assertEqual((row.status, row.recipient), ("failed", "leader@example.gov.cn"))
        self.assertIn("451", row.error)
        with smtp_server() as (port, server), self.settings(**smtp_settings(port)):
            out, _err = run("monthly-summary", "--period", "2023-05")
            self.assertIn("0 sent now", out)  # failed messages wait for a deliberate resend
            out, _err = run("monthly-summary", "--period", "2023-05", "--retry-failed")
            self.assertIn("1 sent now", out)
            self.assertEqual([m["To"] for m in server.messages()], ["leader@example.gov.cn"])
        row.refresh_from_db()
        self.assertEqual((row.status, row.attempts), ("sent", 2))
