"""Who gets which reminder on which date: periods, deadlines, working days, recipients, exactly once."""

import datetime
from unittest import mock

import time_machine
from django.core import mail
from django.test import override_settings

from reports import reminder_calendar, reminders
from reports.models import ReminderMessage
from reports.tasks import fan_out
from tasks.models import MonthlyReport
from tests.personas import PersonasTestCase
from tests.reminders_support import at, report
from units.accounts import create_account
from units.models import Membership, Unit

Kind = ReminderMessage.Kind
D = datetime.date


class PeriodTests(PersonasTestCase):
    def test_it_reads_and_writes_the_three_period_forms(self):
        week = reminders.parse_period(Kind.WEEKLY, "2023-W20")
        self.assertEqual((week.code, week.first_day, week.last_day), ("2023-W20", D(2023, 5, 15), D(2023, 5, 21)))
        self.assertEqual(week.label, "2023年第20周（5月15日至5月21日）")
        month = reminders.parse_period(Kind.MONTHLY_OVERDUE, "2023-05")
        self.assertEqual((month.code, month.first_day, month.last_day, month.label),
                         ("2023-05", D(2023, 5, 1), D(2023, 5, 31), "2023年5月"))
        quarter = reminders.parse_period(Kind.QUARTERLY, "2023q3")
        self.assertEqual((quarter.code, quarter.first_day, quarter.last_day, quarter.months),
                         ("2023Q3", D(2023, 7, 1), D(2023, 9, 30), [7, 8, 9]))

    def test_it_rejects_a_period_of_the_wrong_form_with_a_chinese_message(self):
        for kind, text in [(Kind.WEEKLY, "2023-05"), (Kind.WEEKLY, "2023-W54"), (Kind.MONTHLY_NOTICE, "2023-13"),
                           (Kind.MONTHLY_SUMMARY, "2023Q2"), (Kind.QUARTERLY, "2023Q5"), (Kind.QUARTERLY, "")]:
            with self.subTest(kind=kind, text=text), self.assertRaisesMessage(reminders.PeriodError, "不是有效的期间"):
                reminders.parse_period(kind, text)

    def test_it_finds_no_plan_for_a_year_without_one(self):
        with self.assertRaisesMessage(reminders.NoPlanError, "没有 2019 年的工作要点"):
            reminders.plan_for(Kind.MONTHLY_NOTICE, reminders.parse_period(Kind.MONTHLY_NOTICE, "2019-05"))

    def test_it_counts_the_first_week_of_january_to_the_previous_years_plan(self):
        week = reminders.parse_period(Kind.WEEKLY, "2024-W01")
        self.assertEqual(reminders.plan_for(Kind.WEEKLY, week), self.plan)


class WorkingDayTests(PersonasTestCase):
    def test_it_sends_the_quarterly_report_on_the_first_working_day_after_each_quarter_of_2023(self):
        self.assertEqual(reminders.quarterly_send_date(2022, 4), D(2023, 1, 3))  # 1–2 Jan: 元旦
        self.assertEqual(reminders.quarterly_send_date(2023, 1), D(2023, 4, 3))  # 31 Mar is a Friday
        self.assertEqual(reminders.quarterly_send_date(2023, 2), D(2023, 7, 3))  # 1–2 Jul: weekend
        # 29 Sep – 6 Oct: 中秋 and 国庆; Saturday 7 October is a make-up working day (调休).
        self.assertEqual(reminders.quarterly_send_date(2023, 3), D(2023, 10, 7))
        self.assertEqual(reminders.quarterly_send_date(2023, 4), D(2024, 1, 2))  # 1 Jan 2024: 元旦

    def test_it_knows_holidays_and_make_up_days(self):
        self.assertFalse(reminders.is_working_day(D(2023, 10, 2)))  # a Monday in 国庆
        self.assertTrue(reminders.is_working_day(D(2023, 10, 8)))  # a Sunday, 调休
        self.assertFalse(reminders.is_working_day(D(2023, 10, 14)))  # an ordinary Saturday

    def test_it_falls_back_to_monday_to_friday_for_a_year_the_calendar_does_not_cover(self):
        # 2099: no official calendar. Q3 ends on Wednesday 30 September.
        self.assertEqual(reminders.quarterly_send_date(2099, 3), D(2099, 10, 1))
        # Q1 ends Tuesday 31 March; 4 April 2099 is a Saturday.
        self.assertTrue(reminders.is_working_day(D(2099, 4, 3)))
        self.assertFalse(reminders.is_working_day(D(2099, 4, 4)))
        with mock.patch.object(reminder_calendar, "chinese_calendar", None):
            self.assertEqual(reminders.quarterly_send_date(2023, 3), D(2023, 10, 2))


class DeadlineTests(PersonasTestCase):
    def test_it_dates_each_monthly_kind_from_the_deadline(self):
        period = reminders.parse_period(Kind.MONTHLY_NOTICE, "2023-05")
        self.assertEqual(reminders.send_date(Kind.MONTHLY_NOTICE, period), D(2023, 6, 1))
        self.assertEqual(reminders.send_date(Kind.MONTHLY_REMINDER, period), D(2023, 6, 3))  # deadline 5 June
        self.assertEqual(reminders.send_date(Kind.MONTHLY_OVERDUE, period), D(2023, 6, 6))
        self.assertEqual(reminders.send_date(Kind.MONTHLY_SUMMARY, period), D(2023, 6, 10))
        december = reminders.parse_period(Kind.MONTHLY_NOTICE, "2023-12")
        self.assertEqual(reminders.send_date(Kind.MONTHLY_NOTICE, december), D(2024, 1, 1))
        self.assertEqual(reminders.send_date(Kind.MONTHLY_OVERDUE, december), D(2024, 1, 6))

    @override_settings(REPORT_DUE_DAY=10)
    def test_it_follows_the_configured_due_day(self):
        period = reminders.parse_period(Kind.MONTHLY_NOTICE, "2023-05")
        self.assertEqual(reminders.send_date(Kind.MONTHLY_REMINDER, period), D(2023, 6, 8))
        self.assertEqual(reminders.send_date(Kind.MONTHLY_OVERDUE, period), D(2023, 6, 11))

    def test_it_sends_the_daily_kinds_only_inside_their_window(self):
        expected = {
            D(2023, 6, 2): (None, None),
            D(2023, 6, 3): ("2023-05", None),  # two days before the deadline
            D(2023, 6, 5): ("2023-05", None),  # a missed run is made up until the deadline
            D(2023, 6, 6): (None, "2023-05"),  # the day after the deadline
            D(2023, 6, 9): (None, "2023-05"),
            D(2023, 6, 10): (None, None),
        }
        for day, (reminder, overdue) in expected.items():
            with self.subTest(day=day):
                found = reminders.scheduled_period(Kind.MONTHLY_REMINDER, day)
                self.assertEqual(found.code if found else None, reminder)
                found = reminders.scheduled_period(Kind.MONTHLY_OVERDUE, day)
                self.assertEqual(found.code if found else None, overdue)

    def test_it_sends_the_quarterly_report_on_its_day_not_on_1_october(self):
        self.assertIsNone(reminders.scheduled_period(Kind.QUARTERLY, D(2023, 10, 2)))
        self.assertIsNone(reminders.scheduled_period(Kind.QUARTERLY, D(2023, 10, 6)))
        self.assertEqual(reminders.scheduled_period(Kind.QUARTERLY, D(2023, 10, 7)).code, "2023Q3")
        self.assertEqual(reminders.scheduled_period(Kind.QUARTERLY, D(2023, 7, 3)).code, "2023Q2")
        self.assertEqual(reminders.scheduled_period(Kind.QUARTERLY, D(2024, 1, 2)).code, "2023Q4")
        self.assertIsNone(reminders.scheduled_period(Kind.QUARTERLY, D(2023, 8, 15)))

    def test_it_defaults_to_the_period_the_schedule_would_use(self):
        today = D(2023, 6, 6)
        self.assertEqual(reminders.default_period(Kind.WEEKLY, today).code, "2023-W22")
        self.assertEqual(reminders.default_period(Kind.MONTHLY_NOTICE, today).code, "2023-05")
        self.assertEqual(reminders.default_period(Kind.MONTHLY_OVERDUE, today).code, "2023-05")
        self.assertEqual(reminders.default_period(Kind.QUARTERLY, today).code, "2023Q1")
        self.assertEqual(reminders.default_period(Kind.QUARTERLY, D(2024, 1, 2)).code, "2023Q4")
        self.assertEqual(reminders.default_period(Kind.WEEKLY, D(2024, 1, 1)).code, "2023-W52")


class RecipientTests(PersonasTestCase):
    """Recipients by role and unit, with the personas: 市经信局 and 洪山区 liaisons, staff, a leader."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.may = reminders.parse_period(Kind.MONTHLY_NOTICE, "2023-05")
        # Accounts that get nothing: inactive, or without an email address.
        inactive = create_account("old_staff", Membership.Role.STAFF, cls.kjj, email="old@example.gov.cn")
        inactive.is_active = False
        inactive.save()
        create_account("no_mail_leader", Membership.Role.LEADER, None)
        # A unit with no liaison account but a mailbox: 市发改委.
        cls.fgw = Unit.objects.get(code="fgw")
        cls.fgw.email = "office@fgw.example.gov.cn"
        cls.fgw.save()

    def emails(self, kind, period=None):
        return [r.email for r in reminders.recipients_for(kind, period or self.may)]

    def test_it_sends_the_weekly_bulletin_and_quarterly_report_to_leaders_and_staff(self):
        self.assertEqual(self.emails(Kind.WEEKLY, reminders.parse_period(Kind.WEEKLY, "2023-W20")),
                         ["leader@example.gov.cn", "staff@example.gov.cn"])
        self.assertEqual(self.emails(Kind.QUARTERLY, reminders.parse_period(Kind.QUARTERLY, "2023Q2")),
                         ["leader@example.gov.cn", "staff@example.gov.cn"])

    def test_it_sends_the_monthly_summary_to_leaders_only(self):
        self.assertEqual(self.emails(Kind.MONTHLY_SUMMARY), ["leader@example.gov.cn"])

    def test_it_sends_the_notice_to_every_reporting_units_liaison_in_plan_order(self):
        recipients = reminders.recipients_for(Kind.MONTHLY_NOTICE, self.may)
        self.assertEqual(
            [(r.email, r.unit.code) for r in recipients],
            [("office@fgw.example.gov.cn", "fgw"), ("jxj@example.gov.cn", "jxj"),
             ("hongshan@example.gov.cn", "hongshan")],
        )
        units = list(reminders.reporting_units(self.plan))
        unaddressed = reminders.units_without_address(units)
        self.assertEqual(len(unaddressed), len(units) - 3)
        self.assertNotIn(self.jxj, unaddressed)

    def test_it_reminds_only_units_that_have_not_submitted(self):
        report(self.plan, self.jxj, 5, MonthlyReport.Status.SUBMITTED, submitted_at=at(2023, 6, 2))
        report(self.plan, self.fgw, 5, MonthlyReport.Status.DRAFT)
        self.assertEqual(self.emails(Kind.MONTHLY_REMINDER), ["office@fgw.example.gov.cn", "hongshan@example.gov.cn"])
        # A returned report is outstanding again; an approved one is not.
        MonthlyReport.objects.filter(unit=self.jxj).update(status=MonthlyReport.Status.RETURNED)
        report(self.plan, self.hongshan, 5, MonthlyReport.Status.APPROVED, submitted_at=at(2023, 6, 1))
        self.assertEqual(self.emails(Kind.MONTHLY_REMINDER), ["office@fgw.example.gov.cn", "jxj@example.gov.cn"])

    def test_it_sends_the_overdue_notice_to_late_units_with_one_copy_to_each_staff_member(self):
        report(self.plan, self.jxj, 5, MonthlyReport.Status.SUBMITTED, submitted_at=at(2023, 6, 2))
        recipients = reminders.recipients_for(Kind.MONTHLY_OVERDUE, self.may)
        self.assertEqual(
            [(r.email, r.unit.code if r.unit else None) for r in recipients],
            [("office@fgw.example.gov.cn", "fgw"), ("hongshan@example.gov.cn", "hongshan"),
             ("staff@example.gov.cn", None)],
        )

    def test_it_sends_no_overdue_notice_when_every_unit_has_submitted(self):
        for unit in reminders.reporting_units(self.plan):
            report(self.plan, unit, 5, MonthlyReport.Status.SUBMITTED, submitted_at=at(2023, 6, 2))
        self.assertEqual(self.emails(Kind.MONTHLY_OVERDUE), [])
        self.assertEqual(self.emails(Kind.MONTHLY_REMINDER), [])


@mock.patch("reports.tasks.deliver_reminder.apply_async")
class WhoGetsWhatOnADateTests(PersonasTestCase):
    """The beat runs of a given day, with frozen time: what is recorded, for whom."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        report(cls.plan, cls.jxj, 5, MonthlyReport.Status.SUBMITTED, submitted_at=at(2023, 6, 2))

    def run_beat_day(self, day, kinds=None):
        with time_machine.travel(at(day.year, day.month, day.day, 9, 30), tick=False):
            for kind in reminders.PERIODIC_KINDS:
                if kind in (Kind.WEEKLY, Kind.MONTHLY_NOTICE, Kind.MONTHLY_SUMMARY):
                    # crontab kinds: beat fires them only on their day
                    crontab_day = {Kind.WEEKLY: day.weekday() == 0, Kind.MONTHLY_NOTICE: day.day == 1,
                                   Kind.MONTHLY_SUMMARY: day.day == 10}[kind]
                    if not crontab_day:
                        continue
                fan_out(kind)
        rows = ReminderMessage.objects.filter(kind__in=kinds or reminders.PERIODIC_KINDS)
        return sorted(rows.values_list("kind", "period", "recipient"))

    def test_it_sends_the_notice_on_the_1st(self, apply_async):
        self.assertEqual(self.run_beat_day(D(2023, 6, 1)), [
            ("monthly-notice", "2023-05", "hongshan@example.gov.cn"),
            ("monthly-notice", "2023-05", "jxj@example.gov.cn"),
        ])
        self.assertEqual(apply_async.call_count, 2)

    def test_it_sends_the_reminder_two_days_before_the_deadline_to_units_not_submitted(self, apply_async):
        self.assertEqual(self.run_beat_day(D(2023, 6, 2)), [])
        self.assertEqual(self.run_beat_day(D(2023, 6, 3)), [
            ("monthly-reminder", "2023-05", "hongshan@example.gov.cn"),
        ])

    def test_it_sends_the_overdue_notice_the_day_after_the_deadline_with_a_copy_to_staff(self, apply_async):
        self.assertEqual(self.run_beat_day(D(2023, 6, 4)), [
            ("monthly-reminder", "2023-05", "hongshan@example.gov.cn"),  # the reminder's make-up day
        ])
        ReminderMessage.objects.all().delete()
        self.assertEqual(self.run_beat_day(D(2023, 6, 6)), [
            ("monthly-overdue", "2023-05", "hongshan@example.gov.cn"),
            ("monthly-overdue", "2023-05", "staff@example.gov.cn"),
        ])
        unit_copy = ReminderMessage.objects.get(recipient="hongshan@example.gov.cn")
        self.assertEqual((unit_copy.unit, unit_copy.user), (self.hongshan, self.hongshan_liaison))
        self.assertIsNone(ReminderMessage.objects.get(recipient="staff@example.gov.cn").unit)

    def test_it_sends_the_summary_to_leaders_on_the_10th(self, apply_async):
        self.assertEqual(self.run_beat_day(D(2023, 6, 10)), [
            ("monthly-summary", "2023-05", "leader@example.gov.cn"),
        ])

    def test_it_sends_the_weekly_bulletin_on_monday_about_the_past_week(self, apply_async):
        self.assertEqual(self.run_beat_day(D(2023, 5, 22)), [
            ("weekly", "2023-W20", "leader@example.gov.cn"),
            ("weekly", "2023-W20", "staff@example.gov.cn"),
        ])

    def test_it_sends_the_quarterly_report_on_the_make_up_saturday_after_national_day(self, apply_async):
        for day in range(1, 7):
            self.assertEqual(self.run_beat_day(D(2023, 10, day), [Kind.QUARTERLY]), [], day)
        self.assertEqual(self.run_beat_day(D(2023, 10, 7), [Kind.QUARTERLY]), [
            ("quarterly", "2023Q3", "leader@example.gov.cn"),
            ("quarterly", "2023Q3", "staff@example.gov.cn"),
        ])

    def test_it_records_each_message_once_when_beat_runs_twice(self, apply_async):
        first = self.run_beat_day(D(2023, 6, 6))
        second = self.run_beat_day(D(2023, 6, 6))
        self.assertEqual(first, second)
        self.assertEqual(len(first), 2)
        self.assertEqual(apply_async.call_count, 2)  # the second run queues nothing


class DeliveryOnceTests(PersonasTestCase):
    def setUp(self):
        self.period = reminders.parse_period(Kind.MONTHLY_NOTICE, "2023-05")

    def test_it_sends_each_message_once_when_run_twice(self):
        first = reminders.run_now(Kind.MONTHLY_NOTICE, self.period)
        second = reminders.run_now(Kind.MONTHLY_NOTICE, self.period)
        self.assertEqual((first.created, first.sent), (2, 2))
        self.assertEqual((second.created, second.sent), (0, 0))
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["hongshan@example.gov.cn", "jxj@example.gov.cn"])
        self.assertEqual(set(ReminderMessage.objects.values_list("status", "attempts")), {("sent", 1)})

    def test_it_lets_only_one_sender_claim_a_message(self):
        row = reminders.prepare(Kind.MONTHLY_NOTICE, self.period)[0]
        self.assertTrue(reminders.claim(row.pk))
        self.assertFalse(reminders.claim(row.pk))
        self.assertFalse(reminders.deliver(row.pk))  # a retried task finds it taken
        self.assertEqual(mail.outbox, [])

    def test_it_never_resends_a_sent_message_but_reopens_a_failed_or_stale_one(self):
        rows = reminders.prepare(Kind.MONTHLY_NOTICE, self.period)
        reminders.deliver(rows[0].pk)
        self.assertFalse(reminders.reopen_for_resend(rows[0].pk))
        self.assertEqual(ReminderMessage.objects.get(pk=rows[0].pk).status, "sent")
        ReminderMessage.objects.filter(pk=rows[1].pk).update(status="failed", error="SMTP down")
        self.assertTrue(reminders.reopen_for_resend(rows[1].pk))
        # "sending" for a minute: a worker is on it; for an hour: it died mid-send.
        with time_machine.travel(at(2023, 6, 1, 9, 0), tick=False):
            reminders.claim(rows[1].pk)
        with time_machine.travel(at(2023, 6, 1, 9, 1), tick=False):
            self.assertFalse(reminders.reopen_for_resend(rows[1].pk))
        with time_machine.travel(at(2023, 6, 1, 10, 0), tick=False):
            self.assertTrue(reminders.reopen_for_resend(rows[1].pk))

    def test_it_records_a_template_error_as_failed_without_retrying(self):
        row = reminders.prepare(Kind.MONTHLY_NOTICE, self.period)[0]
        with mock.patch.object(reminders, "compose", side_effect=ValueError("broken template")):
            with self.assertRaises(ValueError):
                reminders.deliver(row.pk, final_attempt=False)
        row.refresh_from_db()
        self.assertEqual((row.status, row.attempts), ("failed", 1))
        self.assertIn("broken template", row.error)
