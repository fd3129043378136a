"""The reporting calendar: working days, reporting months, due dates, lateness, reminder send dates.

Every page, service, email and workbook asks this module for a reporting date; nothing else
computes one. Pure functions of their arguments and the settings (a plan is only read for its
``year``).

Working days follow China's official calendar — holidays and make-up working days (调休) —
through the ``chinesecalendar`` package; for a year it does not cover, Monday to Friday.

The rules:

- The reporting month of a day is the month just ended (a report on June is made in July).
- A month's report is due on ``REPORT_DUE_DAY`` of the next month (December's in January of
  the next year), moved to the next working day when that day is not one: September 2023 is
  due on Saturday 7 October, a 调休 working day, because 5 October is a National Day holiday.
- A submission is late when its local (Asia/Shanghai) date is after that moved due date.
- No reminder is dated on a non-working day. The notice (the 1st), the overdue notice (the day
  after the due date), the summary (the 10th), the weekly bulletin (the Monday after the week)
  and the quarterly report (the day after the quarter) move forward to the next working day.
  The pre-deadline reminder (``REMINDER_DAYS_BEFORE_DEADLINE`` days before the due date)
  moves back to the previous working day, but never before the month's notice: a reminder
  must follow the notice it recalls, so when the holidays leave no working day between them
  both go out on the notice's day (April 2023: 4 May; September 2023: 7 October).
"""

import datetime

from django.conf import settings
from django.utils import timezone

try:  # pinned in requirements.txt; the fallback keeps the app importable without it
    import chinese_calendar
except ImportError:  # pragma: no cover
    chinese_calendar = None

ONE_DAY = datetime.timedelta(days=1)

NOTICE_DAY = 1
SUMMARY_DAY = 10
REMINDER_DAYS_BEFORE_DEADLINE = 2


# Working days -------------------------------------------------------------------------------


def is_working_day(day):
    """China's official working days (holidays and 调休 make-up days); Mon–Fri where unknown."""
    if chinese_calendar is not None:
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:  # a year the package has no data for
            pass
    return day.weekday() < 5


def next_working_day(day):
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


def previous_working_day(day):
    """`day` itself when it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= ONE_DAY
    return day


def first_working_day_after(day):
    """The first working day strictly after `day`."""
    return next_working_day(day + ONE_DAY)


def add_working_days(day, count):
    """The `count`-th working day after `day` (`day` itself for 0)."""
    for _step in range(count):
        day = first_working_day_after(day)
    return day


# Months, quarters, weeks --------------------------------------------------------------------


def local_today():
    return timezone.localdate()


def month_after(year, month):
    return (year + 1, 1) if month == 12 else (year, month + 1)


def month_before(year, month):
    return (year - 1, 12) if month == 1 else (year, month - 1)


def last_day_of_month(year, month):
    next_year, next_month = month_after(year, month)
    return datetime.date(next_year, next_month, 1) - ONE_DAY


def last_day_of_quarter(year, quarter):
    return last_day_of_month(year, 3 * quarter)


def reporting_month_for(today):
    """(year, month) a report or reminder made on `today` is about: the month just ended."""
    return month_before(today.year, today.month)


def quarter_before(today):
    """(year, quarter) of the quarter before `today`'s: 2023-10-07 → (2023, 3)."""
    quarter = (today.month - 1) // 3  # 0: last year's Q4
    return (today.year, quarter) if quarter else (today.year - 1, 4)


def week_of(day):
    """The ISO week containing `day`: (iso_year, week, monday, sunday). 2023-05-17 → 2023-W20."""
    iso_year, week, _weekday = day.isocalendar()
    monday = day - datetime.timedelta(days=day.weekday())
    return iso_year, week, monday, monday + datetime.timedelta(days=6)


def iso_week_monday(iso_year, week):
    """The Monday of ISO week `week` of `iso_year`; ValueError for a week that does not exist."""
    return datetime.date.fromisocalendar(iso_year, week, 1)


def week_before(day):
    """The ISO week before `day`'s, as week_of gives it: the week a bulletin sent on `day` covers."""
    return week_of(day - datetime.timedelta(days=7))


def week_reporting_month(day):
    """(year, month) a weekly bulletin about `day`'s week reports on: the month being reported
    on when the week ends (the reporting month of the Monday after it).

    The first weeks of January still report on December, hence on the previous year's plan.
    """
    _iso_year, _week, _monday, sunday = week_of(day)
    return reporting_month_for(sunday + ONE_DAY)


# Due dates and lateness ---------------------------------------------------------------------


def due_date(plan, month):
    """The last day on which the report for `month` of `plan` counts as on time.

    REPORT_DUE_DAY of the next month, moved to the next working day: 2023-09 → 2023-10-07.
    """
    year, next_month = month_after(plan.year, month)
    return next_working_day(datetime.date(year, next_month, settings.REPORT_DUE_DAY))


def is_late(plan, month, when):
    """A submission at `when` (aware datetime) is late when its local date is after the due date."""
    return timezone.localtime(when).date() > due_date(plan, month)


# Reminder send dates (see reports/reminders/delivery.py for who gets what) ---------------------------


def notice_date(year, month):
    """The notice for (year, month): the 1st of the next month, or the next working day."""
    next_year, next_month = month_after(year, month)
    return next_working_day(datetime.date(next_year, next_month, NOTICE_DAY))


def reminder_date(plan, month):
    """The pre-deadline reminder: REMINDER_DAYS_BEFORE_DEADLINE days before the due date, or the
    previous working day, but never before the notice (see the module's rules)."""
    day = previous_working_day(due_date(plan, month) - datetime.timedelta(days=REMINDER_DAYS_BEFORE_DEADLINE))
    return max(day, notice_date(plan.year, month))


def overdue_date(plan, month):
    """The overdue notice: the first working day after the due date."""
    return first_working_day_after(due_date(plan, month))


def summary_date(year, month):
    """The leaders' summary of (year, month): the 10th of the next month, or the next working day."""
    next_year, next_month = month_after(year, month)
    return next_working_day(datetime.date(next_year, next_month, SUMMARY_DAY))


def weekly_date(day):
    """The bulletin on `day`'s ISO week: the Monday after it, or the next working day."""
    _iso_year, _week, _monday, sunday = week_of(day)
    return first_working_day_after(sunday)


def quarterly_date(year, quarter):
    """The first working day after the quarter ends: 2023Q3 → 2023-10-07 (a 调休 Saturday)."""
    return first_working_day_after(last_day_of_quarter(year, quarter))
