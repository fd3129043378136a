"""Who gets which reminder on which date: periods, deadlines, working days, recipients, exactly once."""

import datetime
from collections import Counter, defaultdict
from unittest import mock

import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from reports.models import ReminderMessage
from reports.reminders import delivery as reminders
from reports.tasks import fan_out
from tasks import calendar
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
        with mock.patch.object(calendar, "chinese_calendar", None):
            self.assertEqual(reminders.quarterly_send_date(2023, 3), D(2023, 10, 2))


class DeadlineTests(PersonasTestCase):
    def test_it_dates_each_monthly_kind_from_the_deadline(self):
        period = reminders.parse_period(Kind.MONTHLY_NOTICE, "2023-05")  # due Monday 5 June
        self.assertEqual(reminders.send_date(Kind.MONTHLY_NOTICE, period), D(2023, 6, 1))  # a Thursday
        # Two days before the deadline is Saturday 3 June: the Friday before.
        self.assertEqual(reminders.send_date(Kind.MONTHLY_REMINDER, period), D(2023, 6, 2))
        self.assertEqual(reminders.send_date(Kind.MONTHLY_OVERDUE, period), D(2023, 6, 6))
        # 10 June is a Saturday: the Monday after.
        self.assertEqual(reminders.send_date(Kind.MONTHLY_SUMMARY, period), D(2023, 6, 12))
        december = reminders.parse_period(Kind.MONTHLY_NOTICE, "2023-12")  # due Friday 5 January 2024
        self.assertEqual(reminders.send_date(Kind.MONTHLY_NOTICE, december), D(2024, 1, 2))  # 1 Jan: 元旦
        self.assertEqual(reminders.send_date(Kind.MONTHLY_OVERDUE, december), D(2024, 1, 8))  # not Saturday the 6th

    @override_settings(REPORT_DUE_DAY=10)
    def test_it_follows_the_configured_due_day(self):
        # 10 June 2023 is a Saturday: due Monday 12 June; two days before is Saturday the 10th.
        period = reminders.parse_period(Kind.MONTHLY_NOTICE, "2023-05")
        self.assertEqual(reminders.send_date(Kind.MONTHLY_REMINDER, period), D(2023, 6, 9))
        self.assertEqual(reminders.send_date(Kind.MONTHLY_OVERDUE, period), D(2023, 6, 13))

    def test_it_sends_the_daily_kinds_only_inside_their_window(self):
        expected = {
            D(2023, 6, 1): (None, None),
            D(2023, 6, 2): ("2023-05", None),  # Friday: two days before the deadline is a Saturday
            D(2023, 6, 3): (None, None),  # nothing is sent on a weekend, not even a make-up
            D(2023, 6, 4): (None, None),
            D(2023, 6, 5): ("2023-05", None),  # a missed run is made up until the deadline
            D(2023, 6, 6): (None, "2023-05"),  # the day after the deadline
            D(2023, 6, 9): (None, "2023-05"),  # the third make-up working day
            D(2023, 6, 10): (None, None),
            D(2023, 6, 12): (None, None),
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
        """Beat's runs of `day` for `kinds` (every kind runs daily); the rows of those kinds."""
        kinds = kinds or reminders.PERIODIC_KINDS
        with time_machine.travel(at(day.year, day.month, day.day, 9, 30), tick=False):
            for kind in kinds:
                fan_out(kind)
        rows = ReminderMessage.objects.filter(kind__in=kinds)
        return sorted(rows.values_list("kind", "period", "recipient"))

    def test_it_sends_the_notice_on_the_1st(self, apply_async):
        self.assertEqual(self.run_beat_day(D(2023, 6, 1), [Kind.MONTHLY_NOTICE]), [
            ("monthly-notice", "2023-05", "hongshan@example.gov.cn"),
            ("monthly-notice", "2023-05", "jxj@example.gov.cn"),
        ])
        self.assertEqual(apply_async.call_count, 2)

    def test_it_sends_a_notice_due_on_a_weekend_on_the_next_working_day(self, apply_async):
        # 1 July 2023 is a Saturday: June's notice goes on Monday 3 July.
        self.assertEqual(self.run_beat_day(D(2023, 7, 1), [Kind.MONTHLY_NOTICE]), [])
        self.assertEqual(self.run_beat_day(D(2023, 7, 2), [Kind.MONTHLY_NOTICE]), [])
        self.assertEqual(self.run_beat_day(D(2023, 7, 3), [Kind.MONTHLY_NOTICE]), [
            ("monthly-notice", "2023-06", "hongshan@example.gov.cn"),
            ("monthly-notice", "2023-06", "jxj@example.gov.cn"),
        ])

    def test_it_sends_the_reminder_on_the_working_day_on_or_before_two_days_before_the_deadline(self, apply_async):
        # May is due Monday 5 June; two days before is Saturday 3 June, so the reminder goes on Friday 2 June.
        self.assertEqual(self.run_beat_day(D(2023, 6, 1), [Kind.MONTHLY_REMINDER]), [])
        self.assertEqual(self.run_beat_day(D(2023, 6, 3), [Kind.MONTHLY_REMINDER]), [])  # not even as a make-up
        self.assertEqual(self.run_beat_day(D(2023, 6, 2), [Kind.MONTHLY_REMINDER]), [
            ("monthly-reminder", "2023-05", "hongshan@example.gov.cn"),
        ])

    def test_it_sends_the_overdue_notice_the_day_after_the_deadline_with_a_copy_to_staff(self, apply_async):
        kinds = [Kind.MONTHLY_REMINDER, Kind.MONTHLY_OVERDUE]
        self.assertEqual(self.run_beat_day(D(2023, 6, 5), kinds), [
            ("monthly-reminder", "2023-05", "hongshan@example.gov.cn"),  # the reminder's make-up day
        ])
        ReminderMessage.objects.all().delete()
        self.assertEqual(self.run_beat_day(D(2023, 6, 6), kinds), [
            ("monthly-overdue", "2023-05", "hongshan@example.gov.cn"),
            ("monthly-overdue", "2023-05", "staff@example.gov.cn"),
        ])
        unit_copy = ReminderMessage.objects.get(recipient="hongshan@example.gov.cn")
        self.assertEqual((unit_copy.unit, unit_copy.user), (self.hongshan, self.hongshan_liaison))
        self.assertIsNone(ReminderMessage.objects.get(recipient="staff@example.gov.cn").unit)

    def test_it_sends_the_summary_to_leaders_on_the_10th_or_the_next_working_day(self, apply_async):
        self.assertEqual(self.run_beat_day(D(2023, 5, 10), [Kind.MONTHLY_SUMMARY]), [  # a Wednesday
            ("monthly-summary", "2023-04", "leader@example.gov.cn"),
        ])
        ReminderMessage.objects.all().delete()
        self.assertEqual(self.run_beat_day(D(2023, 6, 10), [Kind.MONTHLY_SUMMARY]), [])  # a Saturday
        self.assertEqual(self.run_beat_day(D(2023, 6, 12), [Kind.MONTHLY_SUMMARY]), [
            ("monthly-summary", "2023-05", "leader@example.gov.cn"),
        ])

    def test_it_sends_the_weekly_bulletin_on_monday_about_the_past_week(self, apply_async):
        self.assertEqual(self.run_beat_day(D(2023, 5, 22), [Kind.WEEKLY]), [
            ("weekly", "2023-W20", "leader@example.gov.cn"),
            ("weekly", "2023-W20", "staff@example.gov.cn"),
        ])

    def test_it_sends_the_bulletin_of_a_week_before_national_day_on_the_make_up_saturday(self, apply_async):
        # 2023-W39 ends on Sunday 1 October; 2–6 October are holidays, Saturday the 7th is a 调休 working day.
        for day in range(2, 7):
            self.assertEqual(self.run_beat_day(D(2023, 10, day), [Kind.WEEKLY]), [], day)
        self.assertEqual(self.run_beat_day(D(2023, 10, 7), [Kind.WEEKLY]), [
            ("weekly", "2023-W39", "leader@example.gov.cn"),
            ("weekly", "2023-W39", "staff@example.gov.cn"),
        ])
        # Monday 9 October, inside W39's make-up days, sends W40's bulletin on its own day.
        self.assertEqual(self.run_beat_day(D(2023, 10, 9), [Kind.WEEKLY]), [
            ("weekly", "2023-W39", "leader@example.gov.cn"),
            ("weekly", "2023-W39", "staff@example.gov.cn"),
            ("weekly", "2023-W40", "leader@example.gov.cn"),
            ("weekly", "2023-W40", "staff@example.gov.cn"),
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
        self.assertEqual(first, [
            ("monthly-overdue", "2023-05", "hongshan@example.gov.cn"),
            ("monthly-overdue", "2023-05", "staff@example.gov.cn"),
            # W22's bulletin was due Monday 5 June, when this test's beat did not run: made up.
            ("weekly", "2023-W22", "leader@example.gov.cn"),
            ("weekly", "2023-W22", "staff@example.gov.cn"),
        ])
        self.assertEqual(apply_async.call_count, 4)  # the second run queues nothing

    def test_it_sends_every_message_of_2023_once_on_its_working_day_when_beat_runs_every_day(self, apply_async):
        day = D(2023, 1, 1)
        while day <= D(2024, 1, 12):
            self.run_beat_day(day)
            day += datetime.timedelta(days=1)
        sent_on = defaultdict(set)
        for kind, code, created in ReminderMessage.objects.values_list("kind", "period", "created"):
            sent_on[kind, code].add(timezone.localtime(created).date())
        for (kind, code), days in sent_on.items():
            with self.subTest(kind=kind, period=code):
                (sent,) = days
                self.assertTrue(calendar.is_working_day(sent))
                self.assertEqual(sent, reminders.send_date(kind, reminders.parse_period(kind, code)))
        # 2023-W05 … W52 and 2024-W01 (sent 8 January 2024, on December's plan); 12 months × 4
        # kinds; Q1–Q4. Nothing for 2022's periods, nor for 2023-W01 … W04, which report on
        # December 2022: there is no 2022 plan.
        self.assertEqual(Counter(kind for kind, _code in sent_on), {
            Kind.WEEKLY: 49, Kind.MONTHLY_NOTICE: 12, Kind.MONTHLY_REMINDER: 12, Kind.MONTHLY_OVERDUE: 12,
            Kind.MONTHLY_SUMMARY: 12, Kind.QUARTERLY: 4,
        })
        # Counted by hand from the 2023 calendar: September, due on the 调休 Saturday 7 October.
        self.assertEqual(sent_on[Kind.MONTHLY_NOTICE, "2023-09"], {D(2023, 10, 7)})
        self.assertEqual(sent_on[Kind.MONTHLY_REMINDER, "2023-09"], {D(2023, 10, 7)})
        self.assertEqual(sent_on[Kind.MONTHLY_OVERDUE, "2023-09"], {D(2023, 10, 8)})  # the 调休 Sunday
        self.assertEqual(sent_on[Kind.MONTHLY_SUMMARY, "2023-09"], {D(2023, 10, 10)})
        # January, due Monday 6 February (the 5th is a Sunday): reminder Friday the 3rd.
        self.assertEqual(sent_on[Kind.MONTHLY_REMINDER, "2023-01"], {D(2023, 2, 3)})
        self.assertEqual(sent_on[Kind.MONTHLY_OVERDUE, "2023-01"], {D(2023, 2, 7)})
        # 2023-W17's Monday, 1 May, is in the Labour Day holidays (29 April – 3 May): Thursday 4 May.
        self.assertEqual(sent_on[Kind.WEEKLY, "2023-W17"], {D(2023, 5, 4)})
        # April, due Friday 5 May: two days before is a holiday and the working day before it,
        # 28 April, precedes the notice (4 May), so the reminder goes with the notice.
        self.assertEqual(sent_on[Kind.MONTHLY_NOTICE, "2023-04"], {D(2023, 5, 4)})
        self.assertEqual(sent_on[Kind.MONTHLY_REMINDER, "2023-04"], {D(2023, 5, 4)})
        self.assertEqual(sent_on[Kind.MONTHLY_OVERDUE, "2023-04"], {D(2023, 5, 6)})  # the 调休 Saturday


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
