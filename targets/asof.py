"""The as-of month (截至月份) every dashboard page shows the plan at.

The rule, in one place:
- `?month=N` (1–12) picks the month;
- without it, the latest *complete* month: one staff have closed, or one whose every report due
  (each unit that reports for the plan) is approved. One unit's early December report does not
  move the dashboard to December while the others are still out;
- before any month is complete: the latest month whose (working-day-moved) due date has passed,
  January while the first month is still open;
- the page says which month it shows and why (`AsOf.reason`).
A month that is not a whole number from 1 to 12 is ignored with a message, and the default is shown.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.utils.translation import gettext_lazy as _

from targets.expected_path import time_progress
from tasks.calendar import due_date, local_today
from tasks.models import MonthlyReport, ReportingMonthClosure
from tasks.reporting import reporting_unit_ids_sql

MONTHS = range(1, 13)

REASON_COMPLETE = _("默认：最近一个报送完成的月份")
REASON_CLOSED = _("默认：最近一个已关闭的报送月份")
REASON_PAST_DUE = _("默认：尚无报送完成的月份，显示最近一个已过报送期限的月份")
REASON_FIRST = _("默认：尚无月份过报送期限，显示1月")
REASON_PICKED = _("按所选月份显示")


PLAN_PARAMETER = "plan"  # ?plan=<code>: the year switcher's choice, kept in the URL (GET never writes)


@dataclass(frozen=True)
class AsOf:
    month: int
    default_month: int
    default_reason: str = ""
    error: str = ""
    plan_code: str = ""  # the plan chosen with ?plan= (not the current one by default), kept in links

    @property
    def query(self):
        """"month=9", or "month=9&plan=2022" on a year chosen with the switcher: what every link from
        a dashboard page to another carries, so the reader stays in the year and month shown."""
        params = {"month": self.month}
        if self.plan_code:
            params[PLAN_PARAMETER] = self.plan_code
        return urlencode(params)

    @property
    def choices(self):
        words = str(_("%(month)s月"))  # translated once, not once a month
        return [(m, words % {"month": m}) for m in MONTHS]

    @property
    def time_progress(self):
        return time_progress(self.month)

    @property
    def label(self):
        return _("截至%(month)s月底") % {"month": self.month}

    @property
    def reason(self):
        return self.default_reason if self.month == self.default_month else REASON_PICKED


CLOSED = -1  # the `units` of a closed month's row in complete_months' query
EXPECTED = 0  # the `month` of the row that counts the units that must report


def complete_months(plan):
    """{month: reason} of the months that are complete: closed by staff, or every report due approved.

    One query: the closed months, how many of the units that must report (tasks.reporting) have
    their report of each month approved, and how many units that is.
    """
    units_sql, units_params = reporting_unit_ids_sql(plan)
    closure, report = ReportingMonthClosure._meta.db_table, MonthlyReport._meta.db_table
    sql = (
        f"SELECT month, {CLOSED} FROM {closure} WHERE plan_id = %s"
        f" UNION ALL SELECT month, COUNT(DISTINCT unit_id) FROM {report}"
        f" WHERE plan_id = %s AND status = %s AND unit_id IN ({units_sql}) GROUP BY month"
        f" UNION ALL SELECT {EXPECTED}, COUNT(*) FROM ({units_sql}) expected"
    )
    params = [plan.pk, plan.pk, MonthlyReport.Status.APPROVED.value, *units_params, *units_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    expected = next(units for month, units in rows if month == EXPECTED)
    months = {month: REASON_CLOSED for month, units in rows if units == CLOSED}
    for month, units in rows:
        if month != EXPECTED and units != CLOSED and expected and units >= expected:
            months.setdefault(month, REASON_COMPLETE)
    return months


def default_month(plan, today=None):
    """(month, reason) the dashboard shows without `?month=` (see the module doc)."""
    complete = complete_months(plan)
    if complete:
        month = max(complete)
        return month, complete[month]
    today = today or local_today()
    past_due = [m for m in MONTHS if due_date(plan, m) < today]
    if past_due:
        return max(past_due), REASON_PAST_DUE
    return 1, REASON_FIRST


def as_of_month(request, plan, today=None):
    """The month the page shows (see the module doc) and an error message for a bad `?month=`."""
    default, reason = default_month(plan, today)
    # A plan other than the newest published one (targets.dashboard.current_plan lists them on the
    # request): its links carry ?plan=, so that the reader stays in that year.
    published = getattr(request, "published_plans", None)
    chosen = plan.code if published and plan.pk != published[0].pk else ""
    raw = request.GET.get("month", "").strip()
    if not raw:
        return AsOf(month=default, default_month=default, default_reason=reason, plan_code=chosen)
    try:
        month = int(raw)
    except ValueError:
        month = None
    if month not in MONTHS:
        return AsOf(
            month=default, default_month=default, default_reason=reason,
            error=_("月份须为 1 至 12 的整数，已显示默认月份。"), plan_code=chosen,
        )
    return AsOf(month=month, default_month=default, default_reason=reason, plan_code=chosen)
