"""The as-of month (截至月份) every dashboard page shows the plan at.

The rule, in one place:
- `?month=N` (1–12) picks the month;
- without it, the latest month of the plan with an approved report (the newest approved figures);
- with no approved report yet: the current month while the plan year runs, December once the year
  is over, January before it starts;
- while the plan year runs the default never passes the current month.
A month that is not a whole number from 1 to 12 is ignored with a message, and the default is shown.
"""

from dataclasses import dataclass

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from tasks.models import MonthlyReport
from tasks.reporting import local_today

MONTHS = range(1, 13)


@dataclass(frozen=True)
class AsOf:
    month: int
    default_month: int
    error: str = ""

    @property
    def choices(self):
        return [(m, _("%(month)s月") % {"month": m}) for m in MONTHS]

    @property
    def time_progress(self):
        from targets.progress import time_progress

        return time_progress(self.month)

    @property
    def label(self):
        return _("截至%(month)s月底") % {"month": self.month}


_UNSET = object()


def default_month(plan, today=None, latest=_UNSET):
    """`latest` (the latest approved month, None if none) saves the query when the caller has it."""
    today = today or local_today()
    if latest is _UNSET:
        latest = MonthlyReport.objects.filter(plan=plan, status=MonthlyReport.Status.APPROVED).aggregate(
            latest=Max("month")
        )["latest"]
    if today.year < plan.year:
        return 1
    if today.year > plan.year:
        return latest or 12
    return min(latest or today.month, today.month)


def as_of_month(request, plan, today=None):
    """The month the page shows (see the module doc) and an error message for a bad `?month=`."""
    from targets.cache import data_state  # the data version query also gives the latest approved month

    default = default_month(plan, today, latest=data_state(plan, request).latest_approved_month)
    raw = request.GET.get("month", "").strip()
    if not raw:
        return AsOf(month=default, default_month=default)
    try:
        month = int(raw)
    except ValueError:
        month = None
    if month not in MONTHS:
        return AsOf(month=default, default_month=default, error=_("月份须为 1 至 12 的整数，已显示默认月份。"))
    return AsOf(month=month, default_month=default)
