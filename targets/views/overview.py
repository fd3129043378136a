"""The overview (/): the plan at a glance at the month shown, from the stored standings."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.html import json_script
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from targets import charts
from targets.asof import as_of_month
from targets.dashboard import current_plan, late_units, page_context, status_cards
from targets.exports import export_table
from targets.models import Status, TargetStanding
from targets.standing_queries import (
    behind_tasks,
    count_missing_due_period,
    open_coordination,
    section_summary,
    target_standings,
    target_status_counts,
    task_status_counts,
    with_target_tasks,
)
from targets.tables.targets import CoordinationTable, SectionSummaryTable
from units.access import require_role


@login_required
@require_GET
def overview(request):
    require_role(request.user)
    plan = current_plan()
    as_of = as_of_month(request, plan)
    month = as_of.month
    export = request.GET.get("export")
    if export == "sections":
        table = SectionSummaryTable(section_summary(plan, month))
        return export_table(request, table, _("板块汇总-%(month)s月.xlsx") % {"month": month}, _("板块汇总"))
    coordination = CoordinationTable(open_coordination(plan, month), prefix="c-")
    if export == "coordination":
        return export_table(request, coordination, _("待协调事项-%(month)s月.xlsx") % {"month": month}, _("待协调事项"))
    RequestConfig(request, paginate={"per_page": 15}).configure(coordination)
    standings = list(with_target_tasks(target_standings(plan, month)))  # the chart shows every target
    figure = charts.as_json(charts.completion_figure(standings))
    at_month = TargetStanding.objects.at(plan, month)
    task_counts = task_status_counts(plan, month)
    context = page_context(
        request, plan, as_of,
        target_cards=status_cards(target_status_counts(at_month)),
        missing_count=count_missing_due_period(at_month),
        task_cards=status_cards(task_counts),
        target_total=len(standings),
        task_total=sum(task_counts.values()),
        late_units=late_units(plan, month),
        behind_tasks=[(s.task, Status(s.status)) for s in behind_tasks(plan, month)],
        completion_figure=figure,
        completion_figure_script=json_script(figure, "fig-completion"),
        summary=SectionSummaryTable(section_summary(plan, month)),
        coordination=coordination,
    )
    return render(request, "targets/overview.html", context)
