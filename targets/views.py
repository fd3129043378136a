"""The overview (/), the target list (/targets/) and a target's page (/targets/<id>/)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from reports.exports import export_table
from targets import charts
from targets.asof import as_of_month
from targets.dashboard import (
    current_plan,
    last_updates,
    late_units,
    open_coordination,
    page_context,
    plan_targets,
    plan_tasks,
    section_summary,
    standing_map,
    task_status_map,
)
from targets.filtersets import TargetFilterSet
from targets.models import Target, TargetValue
from targets.progress import STATUS_ORDER, Status, count_by_status, format_number, standings
from targets.tables import (
    CoordinationTable,
    MonthlyValueTable,
    SectionSummaryTable,
    TargetRow,
    TargetTable,
    target_text,
)
from units.access import get_object_for_user, require_role


def _status_cards(counts):
    return [{"code": s.value, "label": s.label, "count": counts[s]} for s in STATUS_ORDER]


@login_required
@require_GET
def overview(request):
    require_role(request.user)
    plan = current_plan()
    as_of = as_of_month(request, plan)
    month = as_of.month
    targets = list(plan_targets(plan))
    standing_list = standings(targets, month)
    by_target = standing_map(standing_list)
    tasks = list(plan_tasks(plan))
    status_by_task = task_status_map(plan, tasks, month, by_target)
    open_items = list(open_coordination(plan, month))
    summary = SectionSummaryTable(section_summary(plan, targets, tasks, by_target, status_by_task, open_items))
    coordination = CoordinationTable(open_items, prefix="c-")
    RequestConfig(request, paginate={"per_page": 15}).configure(coordination)  # the export has them all
    export = request.GET.get("export")
    if export == "sections":
        return export_table(request, summary, f"板块汇总-{month}月.xlsx", "板块汇总")
    if export == "coordination":
        return export_table(request, coordination, f"待协调事项-{month}月.xlsx", "待协调事项")
    task_counts = {s: 0 for s in STATUS_ORDER}
    for status in status_by_task.values():
        task_counts[Status(status)] += 1
    late = late_units(plan, month)
    behind_tasks = [t for t in tasks if status_by_task[t.pk] in (Status.BEHIND, Status.SERIOUSLY_BEHIND)]
    context = page_context(
        request,
        plan,
        as_of,
        target_cards=_status_cards(count_by_status(standing_list)),
        task_cards=_status_cards(task_counts),
        target_total=len(targets),
        task_total=len(tasks),
        late_units=late,
        behind_tasks=[(t, Status(status_by_task[t.pk])) for t in behind_tasks],
        completion_figure=charts.as_json(charts.completion_figure(standing_list)),
        summary_table=summary,
        coordination_table=coordination,
    )
    return render(request, "targets/overview.html", context)


@login_required
@require_GET
def target_list(request):
    require_role(request.user)
    plan = current_plan()
    as_of = as_of_month(request, plan)
    filterset = TargetFilterSet(request.GET or None, queryset=plan_targets(plan), plan=plan)
    targets = list(filterset.qs)
    updates = last_updates(targets, as_of.month)
    rows = [TargetRow(s, updates.get(s.target.pk)) for s in standings(targets, as_of.month)]
    if filterset.picked_status:
        rows = [r for r in rows if r.standing.status == filterset.picked_status]
    table = TargetTable(rows)
    RequestConfig(request, paginate=False).configure(table)
    if request.GET.get("export") == "xlsx":
        return export_table(request, table, f"指标-{as_of.month}月.xlsx", "指标")
    counts = count_by_status([r.standing for r in rows])
    context = page_context(request, plan, as_of, filter=filterset, table=table, status_cards=_status_cards(counts))
    return render(request, "targets/target_list.html", context)


@login_required
@require_GET
def target_detail(request, pk):
    require_role(request.user)
    plan = current_plan()
    target = get_object_for_user(
        Target.objects.filter(plan=plan).select_related("reporting_unit", "goal_section"), request.user, pk=pk
    )
    as_of = as_of_month(request, plan)
    (standing,) = standings([target], as_of.month)
    values = list(
        TargetValue.objects.approved()
        .filter(target=target, unit=target.reporting_unit_id, month__lte=as_of.month)
        .select_related("report__submitted_by", "report__reviewed_by", "updated_by")
        .order_by("month")
    )
    for value in values:
        value.target = target  # the table renders completion and status without a query per row
    table = MonthlyValueTable(values)
    if request.GET.get("export") == "xlsx":
        return export_table(request, table, f"{target.code}-月度数值.xlsx", target.code)
    context = page_context(
        request,
        plan,
        as_of,
        target=target,
        standing=standing,
        tasks=list(target.tasks.select_related("section").order_by("number")),
        figure=charts.as_json(charts.target_figure(standing)),
        table=table,
        forecast_statement=standing.forecast.statement(target) if standing.forecast else "",
        target_text=target_text(target),
        latest_value=format_number(standing.value),
    )
    return render(request, "targets/target_detail.html", context)
