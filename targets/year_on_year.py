"""The overview's year-on-year table: the targets the shown plan shares (by target code) with the two
published plans before it, each year's latest approved value and completion, from the stored standings.

Each earlier year at December (its year-end: the December standing carries the latest approved
value up to then, with its month), the shown year at the month viewed. One query, however many years
and targets; none when there is no earlier published plan.
"""

import django_tables2 as tables
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.forecast_figures import points_wording
from targets.models import Target, TargetStanding
from targets.numbers import format_number
from wuhan_plan.tables import Table

YEAR_END = 12
EARLIER_YEARS_SHOWN = 2  # the two years before the shown one: a table a leader reads, not an archive


def value_text(standing):
    """13,500家（12月）, or — without an approved value (`standing`: a row of `shared_standings`)."""
    if standing is None or standing["value"] is None:
        return "—"
    return _("%(value)s%(unit)s（%(month)s月）") % {
        "value": format_number(standing["value"]), "unit": standing["target__unit_of_measure"],
        "month": standing["value_month"],
    }


def completion_text(standing):
    """The stored completion (103.8%), or for a rate the stored gap in points; — without a value."""
    if standing is None or standing["value"] is None:
        return "—"
    if standing["points"] is not None:
        return points_wording(standing["points"])
    return f"{format_number(standing['completion'])}%" if standing["completion"] is not None else "—"


def shared_standings(plan, month, plans):
    """{code: {plan_id: standing}} of the targets `plan` shares with the earlier `plans`, in `plan`'s
    order, and the plans compared (oldest first); ({}, []) without an earlier plan. Each standing is
    a dict of what the table shows (three years of a plan's targets: rows, not model objects)."""
    earlier = sorted((p for p in plans if p.year < plan.year), key=lambda p: p.year)[-EARLIER_YEARS_SHOWN:]
    if not earlier:
        return {}, []
    standings = (
        TargetStanding.objects
        .filter(Q(plan=plan, month=month) | Q(plan__in=earlier, month=YEAR_END))
        # The compared plans' targets by their plan index (not every plan's targets by code).
        .filter(target__plan__in=[plan, *earlier], target__code__in=Target.objects.filter(plan=plan).values("code"))
        .values("plan_id", "value", "value_month", "completion", "points",
                "target__code", "target__name", "target__unit_of_measure", "target__position")
        .order_by()
    )
    by_code = {}
    for standing in standings:
        by_code.setdefault(standing["target__code"], {})[standing["plan_id"]] = standing
    shared = [(code, row) for code, row in by_code.items() if plan.pk in row and len(row) > 1]
    shared.sort(key=lambda item: (item[1][plan.pk]["target__position"], item[0]))
    shared = dict(shared)
    return shared, sorted([*earlier, plan], key=lambda p: p.year)


class YearValueColumn(tables.Column):
    """A year's latest value, worded for the rows shown only (a row holds that year's standing, or None)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, empty_values=(), **kwargs)

    def render(self, value):
        return value_text(value)


class YearCompletionColumn(YearValueColumn):
    def render(self, value):
        return completion_text(value)


class YearOnYearTable(Table):
    code = tables.Column(gettext_lazy("编号"))
    name = tables.Column(gettext_lazy("指标"))

    class Meta:
        orderable = False
        per_page = 10  # a table a leader reads on the overview: its pages follow under it


def year_on_year_table(plan, month, plans):
    """The table, or None when the shown plan shares no target with an earlier published one. Its
    rows hold each year's standing; the cells are worded for the page shown only."""
    shared, compared = shared_standings(plan, month, plans)
    if not shared:
        return None
    columns = []
    for year_plan in compared:
        at = month if year_plan.pk == plan.pk else YEAR_END
        label = _("%(year)s年（截至%(month)s月）") % {"year": year_plan.year, "month": at}
        year = f"year_{year_plan.pk}"
        columns.append((f"value_{year_plan.pk}", YearValueColumn(_("%(label)s 最新值") % {"label": label}, accessor=year)))
        columns.append(
            (f"completion_{year_plan.pk}", YearCompletionColumn(_("%(year)s年完成率") % {"year": year_plan.year}, accessor=year))
        )
    rows = [
        {
            "code": code, "name": row[plan.pk]["target__name"],
            **{f"year_{year_plan.pk}": row.get(year_plan.pk) for year_plan in compared},
        }
        for code, row in shared.items()
    ]
    return YearOnYearTable(rows, extra_columns=columns, prefix="yoy-")
