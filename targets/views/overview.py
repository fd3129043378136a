"""The overview (/): the plan at a glance at the month shown, from the stored standings."""

import json

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from targets.asof import as_of_month
from targets.charts.completion import (
    GROUPED_ABOVE,
    completion_by_group_figure,
    completion_figure,
    group_by_first_task,
    label_groups,
)
from targets.charts.style import figure_json, figure_script
from targets.dashboard import current_plan, late_units, page_context, status_cards
from targets.exports import export_table
from targets.models import TargetStanding
from targets.standing_queries import (
    BEHIND,
    chart_group_counts,
    likely_missed,
    open_coordination,
    overview_counts,
    section_summary,
    with_first_task,
)
from targets.tables.targets import CoordinationTable, SectionSummaryTable
from targets.year_on_year import year_on_year_table
from tasks.reporting import reporting_units
from units.access import require_role
from wuhan_plan.tables import CountedPaginator, Links

# What the coordination table shows of a matter (not the narrative's three paragraphs, nor the units' mail).
COORDINATION_FIELDS = (
    "task__number", "task__title", "report__unit__code", "report__unit__name", "report__month",
    "coordination_matter", "problems",
)
LIKELY_MISSED_SHOWN = 8  # the rest are one click away, on the target list filtered by forecast


# What the chart's bars and hovers and the likely-missed sentences read of a standing and its target: the
# other fields (the forecast's method aside, a dozen of each) would only cost their loading.
CHART_FIELDS = (
    "month", "status", "value", "value_month", "completion", "points", "expected_share", "time_progress",
    "forecast_value", "forecast_low", "forecast_high", "forecast_method", "forecast_months_used",
    "forecast_likely_missed", "forecast_completion", "forecast_points", "pace_needed", "forecast_months_left",
    "target__code", "target__name", "target__position", "target__kind", "target__value", "target__comparison",
    "target__unit_of_measure", "target__goal_section__number", "target__goal_section__title",
)


def _completion_chart(plan, month, counts):
    """(the completion chart, the first likely-missed standings or None). A bar per target from one query
    of their standings, which also give the likely-missed list; on a big plan the targets of each group
    counted by status in SQL (no standing loaded), and the list left to its own query."""
    if sum(counts["targets"].values()) > GROUPED_ABOVE:
        groups = label_groups(chart_group_counts(plan, month), counts["sections"], counts["task_list"])
        return completion_by_group_figure(groups, month), None
    standings = list(with_first_task(
        TargetStanding.objects.at(plan, month).select_related("target__goal_section").only(*CHART_FIELDS)
        .order_by("target__position", "target__code")
    ))
    figure = completion_figure(standings, group_of=group_by_first_task(counts["task_list"], counts["sections"]))
    return figure, [standing for standing in standings if standing.forecast_likely_missed][:LIKELY_MISSED_SHOWN]


def _forecast_lines(standings, link):
    """(standing, the forecast in one sentence with its range, its link) for the overview's third answer."""
    return [
        (standing, standing.forecast.statement(standing.target), link("targets:detail", standing.target.pk))
        for standing in standings
    ]


def _linker(as_of):
    """link(viewname, argument): a page's URL in the year and month shown, each view reversed once."""
    links, query = Links(), as_of.query
    return lambda viewname, argument: f"{links(viewname, argument)}?{query}"


@login_required
@require_GET
def overview(request):
    require_role(request.user)
    plan = current_plan(request)
    units = list(reporting_units(plan))  # the late units: one query
    as_of = as_of_month(request, plan)
    month = as_of.month
    export = request.GET.get("export")
    if export == "sections":
        table = SectionSummaryTable(section_summary(plan, month))
        return export_table(request, table, _("板块汇总-%(month)s月.xlsx") % {"month": month}, _("板块汇总"))
    coordination = CoordinationTable(open_coordination(plan, month).only(*COORDINATION_FIELDS), prefix="c-")
    if export == "coordination":
        return export_table(request, coordination, _("待协调事项-%(month)s月.xlsx") % {"month": month}, _("待协调事项"))
    counts = overview_counts(plan, month)
    # The matters were counted per area above: the table's pages need no COUNT query of their own.
    paginate = {"per_page": 15, "paginator_class": CountedPaginator, "count": counts["open_items"]}
    RequestConfig(request, paginate=paginate).configure(coordination)
    year_on_year = year_on_year_table(plan, month, request.published_plans)  # no query with one plan
    if year_on_year is not None:
        RequestConfig(request, paginate={"per_page": year_on_year._meta.per_page}).configure(year_on_year)
    chart, missed = _completion_chart(plan, month, counts)
    if missed is None:
        missed = likely_missed(plan, month, LIKELY_MISSED_SHOWN)
    figure = figure_json(chart)
    link = _linker(as_of)
    context = page_context(
        request, plan, as_of,
        target_cards=status_cards(counts["targets"]),
        missing_count=counts["missing"],
        task_cards=status_cards(counts["tasks"]),
        target_total=sum(counts["targets"].values()),
        task_total=sum(counts["tasks"].values()),
        late_units=[(unit, state, link("units:detail", unit.code)) for unit, state in late_units(plan, month, units=units)],
        behind_tasks=[(task, status, link("tasks:detail", task.number)) for task, status in counts["behind_tasks"]],
        targets_behind=sum(counts["targets"][status] for status in BEHIND),
        likely_missed=_forecast_lines(missed, link),
        likely_missed_count=counts["likely_missed"],
        completion_figure=json.loads(figure),
        completion_figure_script=figure_script(figure, "fig-completion"),
        summary=SectionSummaryTable(counts["summary"]),
        coordination=coordination,
        year_on_year=year_on_year,
    )
    return render(request, "targets/overview.html", context)
