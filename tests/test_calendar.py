"""tasks/calendar.py, the reporting calendar: due dates moved off holidays, lateness, send dates.

Every expected date is counted by hand from China's official 2023 calendar (国务院办公厅
关于2023年部分节假日安排的通知): 元旦 31 Dec – 2 Jan; 春节 21–27 Jan, working 28–29 Jan;
清明 5 Apr; 劳动节 29 Apr – 3 May, working 23 Apr and 6 May; 端午 22–24 Jun, working 25 Jun;
中秋·国庆 29 Sep – 6 Oct, working 7–8 Oct; 2024 元旦 30 Dec – 1 Jan.
"""

import datetime
from types import SimpleNamespace
from unittest import mock
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase, override_settings

from reports.models import ReminderMessage
from reports.reminders import calendar as reminder_calendar
from tasks import calendar

D = datetime.date
Kind = ReminderMessage.Kind
SHANGHAI = ZoneInfo("Asia/Shanghai")
PLAN_2023 = SimpleNamespace(year=2023)  # the calendar reads nothing of a plan but its year

#: The twelve 2023 due dates (REPORT_DUE_DAY 5), each with why it moved or not.
DUE_DATES_2023 = {
    1: D(2023, 2, 6),  # 5 Feb is a Sunday
    2: D(2023, 3, 6),  # 5 Mar is a Sunday
    3: D(2023, 4, 6),  # 5 Apr is 清明
    4: D(2023, 5, 5),  # a Friday, after the 劳动节 holidays
    5: D(2023, 6, 5),  # a Monday
    6: D(2023, 7, 5),  # a Wednesday
    7: D(2023, 8, 7),  # 5 Aug is a Saturday
    8: D(2023, 9, 5),  # a Tuesday
    9: D(2023, 10, 7),  # 5 Oct is in 国庆; Saturday the 7th is a 调休 working day
    10: D(2023, 11, 6),  # 5 Nov is a Sunday
    11: D(2023, 12, 5),  # a Tuesday
    12: D(2024, 1, 5),  # a Friday
}


def at(year, month, day, hour, minute=0, tz=SHANGHAI):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=tz)


class WorkingDayTests(SimpleTestCase):
    def test_it_moves_a_day_forward_or_back_across_the_spring_festival(self):
        self.assertFalse(calendar.is_working_day(D(2023, 1, 23)))  # a Monday of 春节
        self.assertTrue(calendar.is_working_day(D(2023, 1, 28)))  # a Saturday, 调休
        self.assertEqual(calendar.next_working_day(D(2023, 1, 21)), D(2023, 1, 28))
        self.assertEqual(calendar.next_working_day(D(2023, 1, 27)), D(2023, 1, 28))
        self.assertEqual(calendar.next_working_day(D(2023, 1, 28)), D(2023, 1, 28))  # itself
        self.assertEqual(calendar.previous_working_day(D(2023, 1, 27)), D(2023, 1, 20))
        self.assertEqual(calendar.previous_working_day(D(2023, 1, 20)), D(2023, 1, 20))  # itself
        self.assertEqual(calendar.first_working_day_after(D(2023, 1, 20)), D(2023, 1, 28))
        self.assertEqual(calendar.first_working_day_after(D(2023, 1, 28)), D(2023, 1, 29))  # Sunday, 调休

    def test_it_moves_a_day_forward_or_back_across_national_day(self):
        self.assertEqual(calendar.next_working_day(D(2023, 9, 29)), D(2023, 10, 7))
        self.assertEqual(calendar.next_working_day(D(2023, 10, 5)), D(2023, 10, 7))
        self.assertEqual(calendar.previous_working_day(D(2023, 10, 6)), D(2023, 9, 28))
        self.assertEqual(calendar.previous_working_day(D(2023, 10, 8)), D(2023, 10, 8))  # Sunday, 调休
        self.assertEqual(calendar.first_working_day_after(D(2023, 10, 7)), D(2023, 10, 8))
        self.assertEqual(calendar.first_working_day_after(D(2023, 10, 8)), D(2023, 10, 9))
        self.assertEqual(calendar.add_working_days(D(2023, 10, 7), 3), D(2023, 10, 10))
        self.assertEqual(calendar.add_working_days(D(2023, 9, 28), 1), D(2023, 10, 7))
        self.assertEqual(calendar.add_working_days(D(2023, 9, 28), 0), D(2023, 9, 28))

    def test_it_moves_across_a_year_end(self):
        self.assertEqual(calendar.previous_working_day(D(2023, 1, 1)), D(2022, 12, 30))
        self.assertEqual(calendar.next_working_day(D(2023, 12, 30)), D(2024, 1, 2))

    def test_it_falls_back_to_monday_to_friday_without_the_official_calendar(self):
        with mock.patch.object(calendar, "chinese_calendar", None):
            self.assertTrue(calendar.is_working_day(D(2023, 10, 5)))  # a Thursday
            self.assertFalse(calendar.is_working_day(D(2023, 10, 7)))  # a Saturday
            self.assertEqual(calendar.due_date(PLAN_2023, 9), D(2023, 10, 5))
        # 2099: beyond the package's data. 5 October 2099 is a Monday, 5 September a Saturday.
        self.assertEqual(calendar.due_date(SimpleNamespace(year=2099), 9), D(2099, 10, 5))
        self.assertEqual(calendar.due_date(SimpleNamespace(year=2099), 8), D(2099, 9, 7))


class DueDateTests(SimpleTestCase):
    def test_it_moves_each_2023_due_date_to_the_next_working_day(self):
        self.assertEqual({month: calendar.due_date(PLAN_2023, month) for month in range(1, 13)}, DUE_DATES_2023)
        unmoved = [D(2023 + (month == 12), month % 12 + 1, 5) for month in range(1, 13)]
        self.assertEqual(sum(not calendar.is_working_day(day) for day in unmoved), 6)  # Feb, Mar, Apr, Aug, Oct, Nov

    @override_settings(REPORT_DUE_DAY=10)
    def test_it_follows_the_configured_due_day(self):
        self.assertEqual(calendar.due_date(PLAN_2023, 5), D(2023, 6, 12))  # 10 June is a Saturday
        self.assertEqual(calendar.due_date(PLAN_2023, 9), D(2023, 10, 10))  # a Tuesday

    def test_it_takes_a_submission_on_the_moved_due_date_as_on_time(self):
        self.assertFalse(calendar.is_late(PLAN_2023, 9, at(2023, 10, 7, 16)))
        self.assertFalse(calendar.is_late(PLAN_2023, 9, at(2023, 10, 7, 23, 59)))
        self.assertFalse(calendar.is_late(PLAN_2023, 9, at(2023, 10, 5, 10)))  # during the holiday: early
        self.assertTrue(calendar.is_late(PLAN_2023, 9, at(2023, 10, 8, 16)))
        self.assertTrue(calendar.is_late(PLAN_2023, 9, at(2023, 10, 8, 0, 5)))

    def test_it_judges_lateness_by_the_shanghai_date(self):
        # 17:00 UTC on the 7th is 01:00 on the 8th in Wuhan: late.
        self.assertTrue(calendar.is_late(PLAN_2023, 9, at(2023, 10, 7, 17, tz=datetime.timezone.utc)))
        self.assertFalse(calendar.is_late(PLAN_2023, 9, at(2023, 10, 7, 15, tz=datetime.timezone.utc)))

    def test_it_gives_the_month_just_ended_as_the_reporting_month(self):
        self.assertEqual(calendar.reporting_month_for(D(2023, 10, 7)), (2023, 9))
        self.assertEqual(calendar.reporting_month_for(D(2024, 1, 5)), (2023, 12))
        self.assertEqual(calendar.month_after(2023, 12), (2024, 1))
        self.assertEqual(calendar.month_before(2023, 1), (2022, 12))
        self.assertEqual(calendar.last_day_of_month(2024, 2), D(2024, 2, 29))
        self.assertEqual(calendar.quarter_before(D(2023, 10, 7)), (2023, 3))
        self.assertEqual(calendar.quarter_before(D(2024, 1, 2)), (2023, 4))

    def test_it_gives_the_quarter_before_on_every_month_of_the_year(self):
        # (month − 1) ÷ 3, whole: Jan–Mar → last year's Q4, Apr–Jun → Q1, Jul–Sep → Q2, Oct–Dec → Q3.
        expected = {1: (2022, 4), 2: (2022, 4), 3: (2022, 4), 4: (2023, 1), 5: (2023, 1), 6: (2023, 1),
                    7: (2023, 2), 8: (2023, 2), 9: (2023, 2), 10: (2023, 3), 11: (2023, 3), 12: (2023, 3)}
        for month, quarter in expected.items():
            with self.subTest(month=month):
                found = calendar.quarter_before(D(2023, month, 15))
                self.assertEqual(found, quarter)
                self.assertIsInstance(found[1], int)  # a quarter number, never 3.0
        # What the quarterly report sent on 15 November says it covers: the third quarter.
        self.assertEqual(reminder_calendar.previous_quarter(D(2023, 11, 15)).label, "2023年第3季度")


class WeekTests(SimpleTestCase):
    def test_it_gives_the_iso_week_of_a_day(self):
        self.assertEqual(calendar.week_of(D(2023, 5, 17)), (2023, 20, D(2023, 5, 15), D(2023, 5, 21)))
        self.assertEqual(calendar.week_of(D(2023, 1, 1)), (2022, 52, D(2022, 12, 26), D(2023, 1, 1)))
        self.assertEqual(calendar.week_of(D(2024, 1, 1)), (2024, 1, D(2024, 1, 1), D(2024, 1, 7)))
        self.assertEqual(calendar.week_before(D(2023, 10, 7)), (2023, 39, D(2023, 9, 25), D(2023, 10, 1)))
        # A bulletin goes out on a Monday: Monday 22 May reports on 15–21 May, not the week before.
        self.assertEqual(calendar.week_before(D(2023, 5, 22)), (2023, 20, D(2023, 5, 15), D(2023, 5, 21)))
        self.assertEqual(calendar.week_before(D(2023, 5, 28)), (2023, 20, D(2023, 5, 15), D(2023, 5, 21)))  # Sunday
        self.assertEqual(
            reminder_calendar.previous_week(D(2023, 5, 22)).label, "2023年第20周（5月15日至5月21日）"
        )
        self.assertEqual(calendar.iso_week_monday(2023, 52), D(2023, 12, 25))

    def test_it_counts_a_week_to_the_month_reported_on_at_its_end(self):
        self.assertEqual(calendar.week_reporting_month(D(2023, 5, 17)), (2023, 4))
        self.assertEqual(calendar.week_reporting_month(D(2023, 11, 29)), (2023, 11))  # ends Sunday 3 December
        self.assertEqual(calendar.week_reporting_month(D(2023, 12, 27)), (2023, 12))
        self.assertEqual(calendar.week_reporting_month(D(2024, 1, 3)), (2023, 12))  # the previous year's plan


class SendDateTests(SimpleTestCase):
    def test_it_dates_each_months_reminders_of_2023(self):
        # (notice, reminder, overdue, summary) for each reporting month, from the due dates above.
        expected = {
            1: (D(2023, 2, 1), D(2023, 2, 3), D(2023, 2, 7), D(2023, 2, 10)),  # 4 Feb: Saturday
            2: (D(2023, 3, 1), D(2023, 3, 3), D(2023, 3, 7), D(2023, 3, 10)),  # 4 Mar: Saturday
            3: (D(2023, 4, 3), D(2023, 4, 4), D(2023, 4, 7), D(2023, 4, 10)),  # 1 Apr: Saturday
            # 1 May is a holiday; 3 May too, and the working day before it (28 April) precedes the notice.
            4: (D(2023, 5, 4), D(2023, 5, 4), D(2023, 5, 6), D(2023, 5, 10)),
            5: (D(2023, 6, 1), D(2023, 6, 2), D(2023, 6, 6), D(2023, 6, 12)),  # 3 and 10 Jun: Saturdays
            6: (D(2023, 7, 3), D(2023, 7, 3), D(2023, 7, 6), D(2023, 7, 10)),  # 1 Jul: Saturday
            7: (D(2023, 8, 1), D(2023, 8, 4), D(2023, 8, 8), D(2023, 8, 10)),  # 5 Aug: Saturday
            8: (D(2023, 9, 1), D(2023, 9, 1), D(2023, 9, 6), D(2023, 9, 11)),  # 3 and 10 Sep: Sundays
            # Everything from 29 Sep to 6 Oct is a holiday: notice, reminder and deadline on the 7th.
            9: (D(2023, 10, 7), D(2023, 10, 7), D(2023, 10, 8), D(2023, 10, 10)),
            10: (D(2023, 11, 1), D(2023, 11, 3), D(2023, 11, 7), D(2023, 11, 10)),  # 4 Nov: Saturday
            11: (D(2023, 12, 1), D(2023, 12, 1), D(2023, 12, 6), D(2023, 12, 11)),  # 3 and 10 Dec: Sundays
            12: (D(2024, 1, 2), D(2024, 1, 3), D(2024, 1, 8), D(2024, 1, 10)),  # 1 Jan: 元旦; 6 Jan: Saturday
        }
        for month, dates in expected.items():
            with self.subTest(month=month):
                self.assertEqual((
                    calendar.notice_date(2023, month),
                    calendar.reminder_date(PLAN_2023, month),
                    calendar.overdue_date(PLAN_2023, month),
                    calendar.summary_date(2023, month),
                ), dates)

    def test_it_dates_the_weekly_bulletins_and_quarterly_reports_moved_by_holidays(self):
        self.assertEqual(calendar.weekly_date(D(2022, 12, 28)), D(2023, 1, 3))  # 2 Jan: 元旦
        self.assertEqual(calendar.weekly_date(D(2023, 1, 18)), D(2023, 1, 28))  # W03; 23 Jan: 春节
        self.assertEqual(calendar.weekly_date(D(2023, 4, 26)), D(2023, 5, 4))  # W17; 1 May: 劳动节
        self.assertEqual(calendar.weekly_date(D(2023, 5, 17)), D(2023, 5, 22))  # W20: an ordinary Monday
        self.assertEqual(calendar.weekly_date(D(2023, 9, 27)), D(2023, 10, 7))  # W39; 2 Oct: 国庆
        self.assertEqual(calendar.weekly_date(D(2023, 10, 4)), D(2023, 10, 9))  # W40
        self.assertEqual(calendar.weekly_date(D(2023, 12, 27)), D(2024, 1, 2))  # W52; 1 Jan: 元旦
        self.assertEqual([calendar.quarterly_date(2023, q) for q in (1, 2, 3, 4)],
                         [D(2023, 4, 3), D(2023, 7, 3), D(2023, 10, 7), D(2024, 1, 2)])

    def test_it_dates_no_reminder_of_2023_on_a_non_working_day(self):
        """Every period of 2023 and every periodic kind, as the schedule computes them."""
        periods = {Kind.WEEKLY: [reminder_calendar.week_period(calendar.iso_week_monday(2023, week))
                                 for week in range(1, 53)],
                   Kind.QUARTERLY: [reminder_calendar.quarter_period(2023, q) for q in (1, 2, 3, 4)]}
        months = [reminder_calendar.month_period(2023, month) for month in range(1, 13)]
        periods.update({kind: months for kind in reminder_calendar.MONTHLY_KINDS})
        self.assertEqual(set(periods), set(reminder_calendar.PERIODIC_KINDS))
        checked = 0
        for kind, kind_periods in periods.items():
            for period in kind_periods:
                with self.subTest(kind=kind, period=period.code):
                    sent = reminder_calendar.send_date(kind, period, PLAN_2023)
                    self.assertTrue(calendar.is_working_day(sent), sent)
                    self.assertGreater(sent, period.last_day)  # about a period that has ended
                    checked += 1
        self.assertEqual(checked, 52 + 12 * 4 + 4)

    def test_it_keeps_each_months_reminders_in_order_for_every_day_of_2023(self):
        """For the week, month and quarter of every day of 2023: notice ≤ reminder ≤ due < overdue."""
        day = D(2023, 1, 1)
        while day.year == 2023:
            with self.subTest(day=day):
                month = day.month
                notice = calendar.notice_date(2023, month)
                reminder = calendar.reminder_date(PLAN_2023, month)
                due = calendar.due_date(PLAN_2023, month)
                overdue = calendar.overdue_date(PLAN_2023, month)
                self.assertTrue(notice <= reminder <= due < overdue, (notice, reminder, due, overdue))
                for sent in (notice, reminder, due, overdue, calendar.summary_date(2023, month),
                             calendar.weekly_date(day), calendar.quarterly_date(2023, (month - 1) // 3 + 1)):
                    self.assertTrue(calendar.is_working_day(sent), sent)
            day += datetime.timedelta(days=1)
