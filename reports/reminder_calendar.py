"""The calendar of the reminders: periods (2023-W20, 2023-05, 2023Q2), working days, send dates.

Working days follow China's official calendar — holidays and make-up working days (调休) —
through the ``chinesecalendar`` package; for a year it does not cover, Monday to Friday.
See reports/reminders.py for who gets what.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from reports.models import ReminderMessage
from tasks.models import Plan, deadline_for
from tasks.reporting import local_today, reporting_month_for

try:  # pinned in requirements.txt; the fallback keeps the app importable without it
    import chinese_calendar
except ImportError:  # pragma: no cover
    chinese_calendar = None

Kind = ReminderMessage.Kind

#: The kinds the reminders send (the "returned" notice is sent by the review workflow).
PERIODIC_KINDS = [
    Kind.WEEKLY,
    Kind.MONTHLY_NOTICE,
    Kind.MONTHLY_REMINDER,
    Kind.MONTHLY_OVERDUE,
    Kind.MONTHLY_SUMMARY,
    Kind.QUARTERLY,
]
MONTHLY_KINDS = [Kind.MONTHLY_NOTICE, Kind.MONTHLY_REMINDER, Kind.MONTHLY_OVERDUE, Kind.MONTHLY_SUMMARY]

REMINDER_DAYS_BEFORE_DEADLINE = 2
NOTICE_DAY = 1
SUMMARY_DAY = 10
#: A daily run missed (beat or broker down that morning) is made up by the next days' runs;
#: the unique record keeps the make-up from sending twice.
CATCH_UP_DAYS = 3


class PeriodError(ValueError):
    """A period that cannot be read for a kind; the message is for the user."""


class NoPlanError(LookupError):
    """No real plan covers the period."""


# Working days -------------------------------------------------------------------------------


def is_working_day(day):
    """China's official working days (holidays and 调休 make-up days); Mon–Fri where unknown."""
    if chinese_calendar is not None:
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:  # a year the package has no data for
            pass
    return day.weekday() < 5


def first_working_day_after(day):
    day += datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def last_day_of_quarter(year, quarter):
    if quarter == 4:
        return datetime.date(year, 12, 31)
    return datetime.date(year, 3 * quarter + 1, 1) - datetime.timedelta(days=1)


def quarterly_send_date(year, quarter):
    """The first working day after the quarter ends: 2023Q3 → 2023-10-07 (a 调休 Saturday)."""
    return first_working_day_after(last_day_of_quarter(year, quarter))


# Periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A week, month or quarter as a reminder names it."""

    code: str
    first_day: datetime.date
    last_day: datetime.date
    label: str
    year: int
    month: int | None = None
    quarter: int | None = None

    def __str__(self):
        return self.code

    @property
    def months(self):
        if self.quarter:
            return [3 * self.quarter - 2, 3 * self.quarter - 1, 3 * self.quarter]
        return [self.month] if self.month else []


def week_period(day):
    """The ISO week containing `day`: 2023-05-17 → 2023-W20."""
    iso_year, week, _weekday = day.isocalendar()
    monday = day - datetime.timedelta(days=day.weekday())
    sunday = monday + datetime.timedelta(days=6)
    label = _("%(year)s年第%(week)s周（%(first)s至%(last)s）") % {
        "year": iso_year,
        "week": week,
        "first": _("%(month)s月%(day)s日") % {"month": monday.month, "day": monday.day},
        "last": _("%(month)s月%(day)s日") % {"month": sunday.month, "day": sunday.day},
    }
    return Period(f"{iso_year}-W{week:02d}", monday, sunday, label, iso_year)


def month_period(year, month):
    first = datetime.date(year, month, 1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    label = _("%(year)s年%(month)s月") % {"year": year, "month": month}
    return Period(f"{year}-{month:02d}", first, last, label, year, month=month)


def quarter_period(year, quarter):
    first = datetime.date(year, 3 * quarter - 2, 1)
    label = _("%(year)s年第%(quarter)s季度") % {"year": year, "quarter": quarter}
    return Period(f"{year}Q{quarter}", first, last_day_of_quarter(year, quarter), label, year, quarter=quarter)


def parse_period(kind, text):
    """The Period of `text` for `kind`; PeriodError (with a message for the user) otherwise."""
    text = (text or "").strip().upper()
    try:
        if kind == Kind.WEEKLY:
            year, _sep, week = text.partition("-W")
            day = datetime.date.fromisocalendar(int(year), int(week), 1)
            return week_period(day)
        if kind in MONTHLY_KINDS:
            year, _sep, month = text.partition("-")
            if len(month) != 2:
                raise ValueError
            return month_period(int(year), int(month))
        if kind == Kind.QUARTERLY:
            year, _sep, quarter = text.partition("Q")
            if quarter not in ("1", "2", "3", "4"):
                raise ValueError
            return quarter_period(int(year), int(quarter))
    except ValueError:
        pass
    examples = {Kind.WEEKLY: "2023-W20", Kind.QUARTERLY: "2023Q2"}
    raise PeriodError(
        _("“%(text)s”不是有效的期间，请按 %(example)s 的格式填写。")
        % {"text": text, "example": examples.get(kind, "2023-05")}
    )


def previous_week(today):
    return week_period(today - datetime.timedelta(days=7))


def previous_quarter(today):
    quarter = (today.month - 1) // 3  # the quarter before today's, 0 meaning last year's Q4
    return quarter_period(today.year, quarter) if quarter else quarter_period(today.year - 1, 4)


# Plans and dates ----------------------------------------------------------------------------


def plan_for_year(year):
    return Plan.objects.filter(year=year, is_synthetic=False).order_by("pk").first()


def plan_for(kind, period):
    """The plan a message is about: the plan of the reporting month's year.

    A week belongs to the month being reported on at its end, so the first week of January
    still reports on the previous year's plan.
    """
    if kind == Kind.WEEKLY:
        year, _month = reporting_month_for(period.last_day + datetime.timedelta(days=1))
    else:
        year = period.year
    plan = plan_for_year(year)
    if plan is None:
        raise NoPlanError(_("没有 %(year)s 年的工作要点。") % {"year": year})
    return plan


def _month_after(year, month):
    return (year + 1, 1) if month == 12 else (year, month + 1)


def send_date(kind, period, plan=None):
    """The day the schedule sends `kind` for `period`."""
    if kind == Kind.WEEKLY:
        return period.last_day + datetime.timedelta(days=1)
    if kind == Kind.QUARTERLY:
        return quarterly_send_date(period.year, period.quarter)
    year, month = _month_after(period.year, period.month)
    if kind == Kind.MONTHLY_NOTICE:
        return datetime.date(year, month, NOTICE_DAY)
    if kind == Kind.MONTHLY_SUMMARY:
        return datetime.date(year, month, SUMMARY_DAY)
    deadline = deadline_for(plan or plan_for(kind, period), period.month)
    if kind == Kind.MONTHLY_REMINDER:
        return deadline - datetime.timedelta(days=REMINDER_DAYS_BEFORE_DEADLINE)
    return deadline + datetime.timedelta(days=1)  # overdue


def reminder_date(plan, month):
    return deadline_for(plan, month) - datetime.timedelta(days=REMINDER_DAYS_BEFORE_DEADLINE)


def overdue_date(plan, month):
    return deadline_for(plan, month) + datetime.timedelta(days=1)


def default_period(kind, today=None):
    """The period a run of `kind` on `today` is about (the command's default)."""
    today = today or local_today()
    if kind == Kind.WEEKLY:
        return previous_week(today)
    if kind == Kind.QUARTERLY:
        return previous_quarter(today)
    scheduled = scheduled_period(kind, today)
    if scheduled:
        return scheduled
    return month_period(*reporting_month_for(today))


def _window(kind, period, plan):
    """The days on which the daily beat run sends `kind` for `period`: (first, last)."""
    first = send_date(kind, period, plan)
    if kind == Kind.MONTHLY_REMINDER:
        # Until the deadline itself: a reminder after the deadline is an overdue notice.
        return first, deadline_for(plan, period.month)
    return first, first + datetime.timedelta(days=CATCH_UP_DAYS)


def scheduled_period(kind, today=None):
    """The period beat sends `kind` for on `today`, or None when nothing is due today.

    Weekly, the notice and the summary run on their own crontab days and always send; the
    reminder, the overdue notice and the quarterly report run daily and send only inside their
    window (the scheduled day and a few make-up days).
    """
    today = today or local_today()
    if kind == Kind.WEEKLY:
        return previous_week(today)
    if kind in (Kind.MONTHLY_NOTICE, Kind.MONTHLY_SUMMARY):
        return month_period(*reporting_month_for(today))
    if kind == Kind.QUARTERLY:
        period = previous_quarter(today)
        first, last = _window(kind, period, None)
        return period if first <= today <= last else None
    # Reminder and overdue: the reporting month, or the one before when a late due day
    # (REPORT_DUE_DAY near the month's end) pushes its window into the month after.
    year, month = reporting_month_for(today)
    for candidate in (month_period(year, month), month_period(*reporting_month_for(datetime.date(year, month, 1)))):
        plan = plan_for_year(candidate.year)
        if plan is None:
            continue
        first, last = _window(kind, candidate, plan)
        if first <= today <= last:
            return candidate
    return None
