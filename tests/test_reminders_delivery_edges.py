"""The reminders' delivery (reports/reminders/delivery.py) at the edges the mutation run left untested:
whom an email greets, what the reminder list says of a row after a race or a failure, which messages a
"send now", a resend, a run of send_reminders and the sweep touch — and that each is still sent once."""

import datetime
import io
import smtplib
from contextlib import contextmanager
from unittest import mock

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from reports.models import ReminderMessage
from reports.reminders import delivery as reminders
from reports.tasks import fan_out, sweep_pending_reminders
from tests.personas import PersonasTestCase
from tests.reminders_support import deliveries_run_here
from units.accounts import create_account
from units.models import Membership

Kind = ReminderMessage.Kind
SEND = "django.core.mail.EmailMultiAlternatives.send"
REAL_SEND = EmailMultiAlternatives.send


@contextmanager
def before_first_update(action):
    """Run `action` (another process's write) just before the first UPDATE of a reminder row."""
    done = []

    def wrapper(execute, sql, params, many, context):
        if not done and sql.lstrip().upper().startswith("UPDATE") and "remindermessage" in sql:
            done.append(sql)
            action()  # its own UPDATE passes through this wrapper: `done` is set
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield done


class DeliveryEdgesTestCase(PersonasTestCase):
    def setUp(self):
        self.week = reminders.parse_period(Kind.WEEKLY, "2023-W20")
        self.month = reminders.parse_period(Kind.MONTHLY_NOTICE, "2023-05")

    def row(self, **fields):
        defaults = {"kind": Kind.MONTHLY_NOTICE, "period": "2023-05", "recipient": "jxj@example.gov.cn",
                    "user": self.jxj_liaison, "unit": self.jxj}
        return ReminderMessage.objects.create(**{**defaults, **fields})

    def status_of(self, row):
        row.refresh_from_db()
        return row.status

    def body_to(self, address):
        [message] = [m for m in mail.outbox if m.to == [address]]
        return message.body


class GreetingTests(DeliveryEdgesTestCase):
    def test_it_greets_staff_by_name_and_unit_and_a_liaison_by_name_and_the_unit_written_to(self):
        create_account("zhang", Membership.Role.STAFF, self.kjj, email="zhang@example.gov.cn", full_name="张科员")
        reminders.prepare(Kind.WEEKLY, self.week)
        row = ReminderMessage.objects.get(kind=Kind.WEEKLY, recipient="zhang@example.gov.cn")
        self.assertTrue(reminders.deliver(row.pk))  # one message: compose()
        self.assertTrue(self.body_to("zhang@example.gov.cn").startswith("张科员（市科技局）："))
        reminders.run_now(Kind.MONTHLY_NOTICE, self.month)  # a run: one Composer for all
        self.assertTrue(self.body_to("jxj@example.gov.cn").startswith("jxj_liaison（市经信局）："))
        self.assertTrue(self.body_to("hongshan@example.gov.cn").startswith("hongshan_liaison（洪山区人民政府）："))

    def test_an_account_deleted_after_its_message_was_recorded_is_greeted_plainly(self):
        director = create_account("director", Membership.Role.LEADER, None, email="li@example.gov.cn",
                                  full_name="李主任")
        reminders.prepare(Kind.WEEKLY, self.week)
        director.delete()  # the row keeps the address, loses the account (SET_NULL)
        row = ReminderMessage.objects.get(recipient="li@example.gov.cn")
        self.assertEqual((row.user, row.unit), (None, None))
        self.assertTrue(reminders.deliver(row.pk))
        body = self.body_to("li@example.gov.cn")
        # Nothing left to greet it by: 您好, not a bare "：".
        self.assertTrue(body.startswith("您好："), body[:20])
        self.assertNotIn("None", body)


class RecordingTests(DeliveryEdgesTestCase):
    def test_a_lost_race_in_week_20_still_records_week_20_for_those_who_got_week_19(self):
        reminders.prepare(Kind.WEEKLY, reminders.parse_period(Kind.WEEKLY, "2023-W19"))
        recipients = reminders.recipients_for(Kind.WEEKLY, self.week)
        first = reminders._unrecorded(Kind.WEEKLY, self.week, recipients)
        # Another process records the staff's week-20 message between our look-up and our insert.
        ReminderMessage.objects.create(kind=Kind.WEEKLY, period="2023-W20", recipient="staff@example.gov.cn")
        with mock.patch.object(reminders, "_unrecorded", return_value=first):
            created = reminders.prepare(Kind.WEEKLY, self.week, recipients)
        self.assertEqual([(r.period, r.recipient) for r in created], [("2023-W20", "leader@example.gov.cn")])
        self.assertEqual(
            sorted(ReminderMessage.objects.filter(period="2023-W20").values_list("recipient", flat=True)),
            ["leader@example.gov.cn", "staff@example.gov.cn"],
        )

    @mock.patch("reports.tasks.deliver_reminder.apply_async")
    def test_the_first_week_of_january_reports_on_december_and_needs_the_previous_years_plan(self, apply_async):
        # 2023-W01 (2–8 January) reports on December 2022; there is no 2022 plan: nothing recorded or queued.
        self.assertEqual(fan_out(Kind.WEEKLY, "2023-W01"), {"kind": Kind.WEEKLY, "period": "2023-W01", "created": 0})
        self.assertFalse(ReminderMessage.objects.exists())
        apply_async.assert_not_called()


class SendTests(DeliveryEdgesTestCase):
    def test_a_451_is_final_when_deliver_is_called_on_its_own(self):
        reminders.prepare(Kind.WEEKLY, self.week)
        row = ReminderMessage.objects.get(recipient="staff@example.gov.cn")
        with mock.patch(SEND, side_effect=smtplib.SMTPDataError(451, b"try later")), \
                self.assertRaises(reminders.TransientDeliveryError):
            reminders.deliver(row.pk)
        row.refresh_from_db()
        self.assertEqual((row.status, row.attempts, row.error), ("failed", 1, "SMTPDataError: (451, b'try later')"))

    def test_a_retry_that_fails_before_rendering_keeps_the_subject_of_the_first_attempt(self):
        reminders.prepare(Kind.WEEKLY, self.week)
        row = ReminderMessage.objects.get(recipient="staff@example.gov.cn")
        with mock.patch(SEND, side_effect=smtplib.SMTPDataError(451, b"try later")), \
                self.assertRaises(reminders.TransientDeliveryError):
            reminders.deliver(row.pk, final_attempt=False)
        row.refresh_from_db()
        subject = row.subject
        self.assertEqual((row.status, row.attempts), ("pending", 1))
        self.assertIn("2023年第20周", subject)
        with mock.patch.object(reminders, "compose", side_effect=RuntimeError("模板无法渲染")), \
                self.assertRaises(RuntimeError):
            reminders.deliver(row.pk)
        row.refresh_from_db()
        self.assertEqual((row.status, row.attempts, row.subject, row.error),
                         ("failed", 2, subject, "RuntimeError: 模板无法渲染"))

    def test_a_failure_does_not_overwrite_an_outcome_recorded_meanwhile_by_someone_else(self):
        # While this worker's send hangs, the row is marked sent (in the admin, or by a worker that took
        # the claim over); the late failure is not recorded over it, so the message is not sent again.
        reminders.prepare(Kind.WEEKLY, self.week)
        row = ReminderMessage.objects.get(recipient="staff@example.gov.cn")

        def sent_meanwhile_then_disconnected(*args, **kwargs):
            ReminderMessage.objects.filter(pk=row.pk).update(status="sent", sent_at=timezone.now())
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

        with mock.patch(SEND, side_effect=sent_meanwhile_then_disconnected), \
                self.assertRaises(reminders.TransientDeliveryError):
            reminders.deliver(row.pk, final_attempt=False)
        row.refresh_from_db()
        self.assertEqual((row.status, row.error), ("sent", ""))
        self.assertFalse(reminders.deliver(row.pk))

    def test_a_run_counts_only_what_it_sent_when_another_sender_claims_a_message(self):
        reminders.prepare(Kind.MONTHLY_NOTICE, self.month)
        claimed_by_another = []

        def send_while_another_worker_claims_the_rest(message, *args, **kwargs):
            if not claimed_by_another:
                others = ReminderMessage.objects.filter(status="pending")
                claimed_by_another.extend(others.values_list("recipient", flat=True))
                others.update(status="sending", attempts=F("attempts") + 1, last_attempt_at=timezone.now())
            return REAL_SEND(message, *args, **kwargs)

        with mock.patch.object(EmailMultiAlternatives, "send", autospec=True,
                               side_effect=send_while_another_worker_claims_the_rest):
            result = reminders.run_now(Kind.MONTHLY_NOTICE, self.month)
        self.assertEqual(len(claimed_by_another), 1)
        self.assertEqual((result.sent, result.failed, len(mail.outbox)), (1, [], 1))
        other = ReminderMessage.objects.get(recipient=claimed_by_another[0])
        self.assertEqual((other.status, other.attempts), ("sending", 1))


class RunNowTests(DeliveryEdgesTestCase):
    def test_a_run_sends_only_the_pending_messages_of_its_own_kind_and_month(self):
        failed = self.row(recipient="hongshan@example.gov.cn", user=self.hongshan_liaison, unit=self.hongshan,
                          status="failed")
        reminder = self.row(kind=Kind.MONTHLY_REMINDER)
        result = reminders.run_now(Kind.MONTHLY_NOTICE, self.month)
        self.assertEqual((result.created, result.sent), (1, 1))
        self.assertEqual([m.to for m in mail.outbox], [["jxj@example.gov.cn"]])
        self.assertIn("月度报送通知", mail.outbox[0].subject)
        self.assertEqual((self.status_of(failed), self.status_of(reminder)), ("failed", "pending"))

    def test_retry_failed_never_sends_a_sent_message_again(self):
        sent_at = timezone.now() - datetime.timedelta(days=1)
        sent = self.row(status="sent", sent_at=sent_at, attempts=1)
        failed = self.row(recipient="hongshan@example.gov.cn", user=self.hongshan_liaison, unit=self.hongshan,
                          status="failed", attempts=1)
        out = io.StringIO()
        call_command("send_reminders", "monthly-notice", "--period", "2023-05", "--retry-failed", stdout=out)
        self.assertIn("2 recipient(s), 0 newly recorded, 1 sent now, 0 failed.", out.getvalue())
        self.assertEqual([m.to for m in mail.outbox], [["hongshan@example.gov.cn"]])
        sent.refresh_from_db()
        self.assertEqual((sent.status, sent.sent_at, sent.attempts), ("sent", sent_at, 1))
        failed.refresh_from_db()
        self.assertEqual((failed.status, failed.attempts), ("sent", 2))


class ReminderPageTests(DeliveryEdgesTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.staff)

    def test_send_now_queues_only_the_kind_and_month_chosen(self):
        reminder = self.row(kind=Kind.MONTHLY_REMINDER)
        april = self.row(period="2023-04")
        with deliveries_run_here():
            response = self.client.post(reverse("reminders:send"), {"kind": "monthly-notice", "period": "2023-05"},
                                        follow=True)
        self.assertContains(response, "已提交发送 2 封邮件。")
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["hongshan@example.gov.cn", "jxj@example.gov.cn"])
        self.assertTrue(all("5月" in m.subject and "月度报送通知" in m.subject for m in mail.outbox))
        self.assertEqual((self.status_of(reminder), self.status_of(april)), ("pending", "pending"))

    def test_resending_one_failed_message_leaves_the_other_failed_ones_failed(self):
        jxj = self.row(status="failed", attempts=3, error="SMTPDataError: (451, b'try later')")
        hongshan = self.row(recipient="hongshan@example.gov.cn", user=self.hongshan_liaison, unit=self.hongshan,
                            status="failed", attempts=3)
        with deliveries_run_here():
            response = self.client.post(reverse("reminders:resend", args=[jxj.pk]), follow=True)
        self.assertContains(response, "已提交发送 1 封邮件。")
        self.assertEqual([m.to for m in mail.outbox], [["jxj@example.gov.cn"]])
        self.assertEqual((self.status_of(jxj), self.status_of(hongshan)), ("sent", "failed"))

    def test_a_message_being_sent_is_left_alone_even_when_others_are_pending(self):
        sending = self.row(status="sending", attempts=1, last_attempt_at=timezone.now())
        self.row(recipient="hongshan@example.gov.cn", user=self.hongshan_liaison, unit=self.hongshan)
        with mock.patch("reports.tasks.deliver_reminder.apply_async") as apply_async:
            response = self.client.post(reverse("reminders:resend", args=[sending.pk]), follow=True)
        self.assertContains(response, "该邮件正在发送中，请稍后刷新查看结果。")
        apply_async.assert_not_called()
        self.assertEqual(self.status_of(sending), "sending")


class StaleSendingTests(DeliveryEdgesTestCase):
    def test_a_stuck_message_claimed_again_while_the_sweep_runs_is_not_sent_twice(self):
        row = self.row(kind=Kind.MONTHLY_SUMMARY, recipient="leader@example.gov.cn", user=self.leader, unit=None,
                       status="sending", attempts=1, last_attempt_at=timezone.now() - datetime.timedelta(minutes=16))

        def another_sweep_and_its_delivery_claim_it():
            ReminderMessage.objects.filter(pk=row.pk).update(
                status="sending", attempts=F("attempts") + 1, last_attempt_at=timezone.now()
            )

        with before_first_update(another_sweep_and_its_delivery_claim_it) as done, deliveries_run_here():
            sweep_pending_reminders.apply().get()
        self.assertEqual(len(done), 1)
        row.refresh_from_db()
        self.assertEqual((row.status, row.attempts), ("sending", 2))  # the other delivery's claim, untouched
        self.assertEqual(mail.outbox, [])  # that delivery sends it, once; this sweep's delivery found it taken
