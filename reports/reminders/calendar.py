"""The calendar of the reminders: periods (2023-W20, 2023-05, 2023Q2) and when each kind is sent.

Every date — working days, due dates, send dates, the weeks — is tasks/calendar.py's; this
module names the periods and picks the one a daily beat run sends. See reports/reminders/delivery.py
for who gets what.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from reports.models import ReminderMessage
from tasks import calendar
from tasks.calendar import (  # noqa: F401  (re-exported through reports/reminders/delivery.py)
    NOTICE_DAY,
    REMINDER_DAYS_BEFORE_DEADLINE,
    SUMMARY_DAY,
    first_working_day_after,
    is_working_day,
    last_day_of_quarter,
    local_today,
    overdue_date,
    reminder_date,
    reporting_month_for,
)
from tasks.calendar import quarterly_date as quarterly_send_date  # noqa: F401  (re-exported)
from tasks.models import Plan

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
#: Every kind the delivery path sends, claims, retries, sweeps and resends: the periodic ones
#: the "returned" notice, recorded by the review workflow with the report and version as its period, and
#: the urging notices (催办单/督办单, reports/supervision/), the notice as their period.
DELIVERED_KINDS = [*PERIODIC_KINDS, Kind.RETURNED, Kind.URGING_NOTICE]
MONTHLY_KINDS = [Kind.MONTHLY_NOTICE, Kind.MONTHLY_REMINDER, Kind.MONTHLY_OVERDUE, Kind.MONTHLY_SUMMARY]

#: A daily run missed (beat or broker down that morning) is made up on the next working days,
#: this many of them; the unique record keeps the make-up from sending twice.
CATCH_UP_DAYS = 3


class PeriodError(ValueError):
    """A period that cannot be read for a kind; the message is for the user."""


class NoPlanError(LookupError):
    """No real plan covers the period."""


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
    iso_year, week, monday, sunday = calendar.week_of(day)
    label = _("%(year)s年第%(week)s周（%(first)s至%(last)s）") % {
        "year": iso_year,
        "week": week,
        "first": _("%(month)s月%(day)s日") % {"month": monday.month, "day": monday.day},
        "last": _("%(month)s月%(day)s日") % {"month": sunday.month, "day": sunday.day},
    }
    return Period(f"{iso_year}-W{week:02d}", monday, sunday, label, iso_year)


def month_period(year, month):
    label = _("%(year)s年%(month)s月") % {"year": year, "month": month}
    first, last = datetime.date(year, month, 1), calendar.last_day_of_month(year, month)
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
            return week_period(calendar.iso_week_monday(int(year), int(week)))
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
    """The week before `today`'s: the one a bulletin sent on `today` is about."""
    return week_period(calendar.week_before(today)[2])


def previous_quarter(today):
    return quarter_period(*calendar.quarter_before(today))


# Plans and dates ----------------------------------------------------------------------------


def plan_for_year(year):
    return Plan.objects.filter(year=year).order_by("pk").first()


def plan_for(kind, period):
    """The plan a message is about: the plan of the reporting month's year.

    A week belongs to the month being reported on at its end, so the first week of January
    still reports on the previous year's plan.
    """
    if kind == Kind.WEEKLY:
        year, _month = calendar.week_reporting_month(period.last_day)
    else:
        year = period.year
    plan = plan_for_year(year)
    if plan is None:
        raise NoPlanError(_("没有 %(year)s 年的工作要点。") % {"year": year})
    return plan


def send_date(kind, period, plan=None):
    """The day the schedule sends `kind` for `period`: always a working day (tasks/calendar.py)."""
    if kind == Kind.WEEKLY:
        return calendar.weekly_date(period.first_day)
    if kind == Kind.QUARTERLY:
        return calendar.quarterly_date(period.year, period.quarter)
    if kind == Kind.MONTHLY_NOTICE:
        return calendar.notice_date(period.year, period.month)
    if kind == Kind.MONTHLY_SUMMARY:
        return calendar.summary_date(period.year, period.month)
    plan = plan or plan_for(kind, period)
    if kind == Kind.MONTHLY_REMINDER:
        return calendar.reminder_date(plan, period.month)
    return calendar.overdue_date(plan, period.month)


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
    """The days on which the daily beat run sends `kind` for `period`: (first, last).

    The send date and CATCH_UP_DAYS working days after it, for a missed run; the notice and
    the reminder stop at the due date, after which the overdue notice takes over.
    """
    first = send_date(kind, period, plan)
    last = calendar.add_working_days(first, CATCH_UP_DAYS)
    if kind in (Kind.MONTHLY_NOTICE, Kind.MONTHLY_REMINDER):
        last = min(last, calendar.due_date(plan, period.month))
    return first, last


def _candidates(kind, today):
    """The periods a run on `today` may send `kind` for, the newest first."""
    if kind == Kind.WEEKLY:
        latest = previous_week(today)
        return [latest, previous_week(latest.first_day)]
    if kind == Kind.QUARTERLY:
        return [previous_quarter(today)]
    # The reporting month, or the one before when a late due day (REPORT_DUE_DAY near the
    # month's end) pushes its window into the month after.
    year, month = reporting_month_for(today)
    return [month_period(year, month), month_period(*calendar.month_before(year, month))]


def scheduled_period(kind, today=None):
    """The period beat sends `kind` for on `today`, or None when nothing is due today.

    Every kind runs daily and sends only inside its window (see _window), and never on a
    non-working day. Windows of one kind can overlap (the bulletin of 2023-W39 moved to
    Saturday 7 October, W40's on Monday the 9th): the newer period wins, so each period is
    sent on its own send date, and the unique record makes a second run a no-op.
    """
    today = today or local_today()
    if not is_working_day(today):
        return None
    for period in _candidates(kind, today):
        plan = None
        if kind in MONTHLY_KINDS:
            plan = plan_for_year(period.year)
            if plan is None:
                continue
        first, last = _window(kind, period, plan)
        if first <= today <= last:
            return period
    return None
