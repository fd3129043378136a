"""The reminders' claim and send (reports/reminders/delivery.py): what a recipient receives and what the
reminder list then says (the ReminderMessage row), at the edges the mutation run found untested."""

import smtplib
from unittest import mock

import time_machine
from django.core import mail
from django.db import IntegrityError

from reports.models import ReminderMessage
from reports.reminders import delivery as reminders
from tests.personas import PASSWORD, PersonasTestCase
from tests.reminders_support import at
from units.accounts import create_account
from units.models import Membership

Kind = ReminderMessage.Kind
SEND = "django.core.mail.EmailMultiAlternatives.send"


class ClaimAndSendTests(PersonasTestCase):
    def setUp(self):
        self.week = reminders.parse_period(Kind.WEEKLY, "2023-W20")
        self.month = reminders.parse_period(Kind.MONTHLY_NOTICE, "2023-05")

    def weekly_row(self, recipient="staff@example.gov.cn"):
        reminders.prepare(Kind.WEEKLY, self.week)
        return ReminderMessage.objects.get(kind=Kind.WEEKLY, recipient=recipient)

    def test_it_greets_the_recipient_by_the_full_name_on_its_record(self):
        create_account("director", Membership.Role.LEADER, None, PASSWORD, email="li@example.gov.cn",
                       full_name="李主任")
        row = self.weekly_row("li@example.gov.cn")
        self.assertEqual((row.user.username, row.unit), ("director", None))
        self.assertTrue(reminders.deliver(row.pk))
        self.assertEqual([m.to for m in mail.outbox], [["li@example.gov.cn"]])
        self.assertIn("李主任：", mail.outbox[0].body)

    def test_a_claim_counts_the_attempt_and_stamps_its_time(self):
        row = self.weekly_row()
        with time_machine.travel(at(2023, 5, 22, 9, 0), tick=False):
            self.assertTrue(reminders.deliver(row.pk))
        row.refresh_from_db()
        self.assertEqual((row.status, row.attempts, row.last_attempt_at), ("sent", 1, at(2023, 5, 22, 9, 0)))
        self.assertFalse(reminders.deliver(row.pk))  # sent: nobody claims it again
        self.assertEqual(len(mail.outbox), 1)

    def test_a_message_of_one_kind_does_not_stand_for_another_of_the_same_month(self):
        reminders.prepare(Kind.MONTHLY_NOTICE, self.month)
        period = reminders.parse_period(Kind.MONTHLY_REMINDER, "2023-05")
        created = reminders.prepare(Kind.MONTHLY_REMINDER, period)
        self.assertEqual(sorted(r.recipient for r in created), ["hongshan@example.gov.cn", "jxj@example.gov.cn"])

    def test_it_records_once_whoever_wins_the_race_and_keeps_who_the_rows_are_for(self):
        # Another process recorded the staff's message between our look-up and our insert.
        recipients = reminders.recipients_for(Kind.WEEKLY, self.week)
        first = reminders._unrecorded(Kind.WEEKLY, self.week, recipients)
        ReminderMessage.objects.create(kind=Kind.WEEKLY, period="2023-W20", recipient="staff@example.gov.cn")
        with mock.patch.object(reminders, "_unrecorded", return_value=first):
            created = reminders.prepare(Kind.WEEKLY, self.week, recipients)
        self.assertEqual([r.recipient for r in created], ["leader@example.gov.cn"])
        leader = ReminderMessage.objects.get(recipient="leader@example.gov.cn")
        self.assertEqual(leader.user, self.leader)
        self.assertEqual(ReminderMessage.objects.filter(kind=Kind.WEEKLY).count(), 2)

    def test_a_lost_insert_race_for_one_row_does_not_stop_the_others(self):
        recipients = reminders.recipients_for(Kind.WEEKLY, self.week)
        rows = reminders._unrecorded(Kind.WEEKLY, self.week, recipients)
        real = ReminderMessage.objects.get_or_create
        calls = []

        def racing(**kwargs):
            calls.append(kwargs["recipient"])
            if len(calls) == 1:
                raise IntegrityError("duplicate key")
            return real(**kwargs)

        with mock.patch.object(ReminderMessage.objects, "get_or_create", side_effect=racing):
            created = reminders._record_one_by_one(Kind.WEEKLY, self.week, rows)
        self.assertEqual(len(calls), 2)
        self.assertEqual([r.recipient for r in created], [calls[1]])

    def test_a_permanent_refusal_fails_at_once_and_a_451_waits_for_a_retry(self):
        cases = [
            (smtplib.SMTPDataError(500, b"syntax error"), "failed"),
            (smtplib.SMTPDataError(499, b"try later"), "pending"),
            (smtplib.SMTPRecipientsRefused({"staff@example.gov.cn": (500, b"no such user")}), "failed"),
            (smtplib.SMTPRecipientsRefused({"staff@example.gov.cn": (499, b"greylisted")}), "pending"),
        ]
        for error, status in cases:
            with self.subTest(error=error):
                ReminderMessage.objects.all().delete()
                row = self.weekly_row()
                expected = reminders.TransientDeliveryError if status == "pending" else type(error)
                with mock.patch(SEND, side_effect=error), self.assertRaises(expected) as raised:
                    reminders.deliver(row.pk, final_attempt=False)
                if status == "pending":
                    self.assertEqual(str(raised.exception), str(error))
                row.refresh_from_db()
                self.assertEqual(row.status, status)
                self.assertEqual(row.error, f"{type(error).__name__}: {error}")

    def test_a_failure_is_recorded_on_its_own_row_only(self):
        row = self.weekly_row()
        other = ReminderMessage.objects.get(recipient="leader@example.gov.cn")
        ReminderMessage.objects.filter(pk=other.pk).update(status="sending")
        with mock.patch(SEND, side_effect=smtplib.SMTPDataError(554, b"rejected")), \
                self.assertRaises(smtplib.SMTPDataError):
            reminders.deliver(row.pk)
        self.assertEqual(ReminderMessage.objects.get(pk=other.pk).status, "sending")
        self.assertEqual(ReminderMessage.objects.get(pk=row.pk).status, "failed")

    def test_subject_and_error_are_cut_to_what_the_list_keeps(self):
        row = self.weekly_row()
        long_error = smtplib.SMTPDataError(554, "拒" * 3000)
        with mock.patch.object(reminders, "compose") as compose:
            compose.return_value.subject = "主" * 400
            compose.return_value.send.side_effect = long_error
            with self.assertRaises(smtplib.SMTPDataError):
                reminders.deliver(row.pk)
        row.refresh_from_db()
        self.assertEqual((row.status, row.subject, len(row.error)), ("failed", "主" * 300, 2000))

    def test_run_now_sends_only_its_own_kind_and_month(self):
        stray = ReminderMessage.objects.create(kind=Kind.MONTHLY_NOTICE, period="2023-04",
                                               recipient="jxj@example.gov.cn", user=self.jxj_liaison, unit=self.jxj)
        failed = ReminderMessage.objects.create(kind=Kind.MONTHLY_REMINDER, period="2023-05", status="failed",
                                                recipient="jxj@example.gov.cn", user=self.jxj_liaison, unit=self.jxj)
        older = ReminderMessage.objects.create(kind=Kind.MONTHLY_NOTICE, period="2023-04", status="failed",
                                               recipient="hongshan@example.gov.cn")
        result = reminders.run_now(Kind.MONTHLY_NOTICE, self.month, retry_failed=True)
        self.assertEqual(result.sent, 2)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["hongshan@example.gov.cn", "jxj@example.gov.cn"])
        self.assertTrue(all("5月" in m.subject for m in mail.outbox))
        for row, status in ((stray, "pending"), (failed, "failed"), (older, "failed")):
            row.refresh_from_db()
            self.assertEqual(row.status, status, row)
