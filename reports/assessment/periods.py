"""The period an assessment scores: one month of the plan (?month=N) or one quarter (?quarter=Q).

Without either, the month the dashboard shows (targets.asof: the latest complete month, else the
latest past its deadline). A bad value is ignored with a message and the default is shown."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from targets.asof import as_of_month

QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}


@dataclass(frozen=True)
class Period:
    year: int
    kind: str  # "month" or "quarter"
    number: int
    error: str = ""

    @property
    def months(self):
        if self.kind == "quarter":
            return tuple(range(self.number * 3 - 2, self.number * 3 + 1))
        return (self.number,)

    @property
    def label(self):
        if self.kind == "quarter":
            return _("%(year)s年第%(quarter)s季度") % {"year": self.year, "quarter": QUARTER_NAMES[self.number]}
        return _("%(year)s年%(month)s月") % {"year": self.year, "month": self.number}

    @property
    def query(self):
        """The query string that picks this period again: month=3 or quarter=1."""
        return f"{self.kind}={self.number}"


def month_period(plan, month):
    return Period(plan.year, "month", month)


def quarter_period(plan, quarter):
    return Period(plan.year, "quarter", quarter)


def period_from(request, plan):
    """The Period of `?quarter=` or `?month=` (see the module doc)."""
    raw = request.GET.get("quarter", "").strip()
    if raw:
        if raw in ("1", "2", "3", "4"):
            return quarter_period(plan, int(raw))
        as_of = as_of_month(request, plan)
        return Period(plan.year, "month", as_of.default_month, _("季度须为 1 至 4 的整数，已显示默认月份。"))
    as_of = as_of_month(request, plan)
    return Period(plan.year, "month", as_of.month, as_of.error)
