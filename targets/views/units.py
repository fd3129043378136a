"""Unit pages: /units/ (month × unit heatmap of reporting, on-time rates) and /units/<code>/."""

import json

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from targets.asof import as_of_month
from targets.charts.completion import completion_figure, group_by_annotation
from targets.charts.heatmap import heatmap_figure
from targets.charts.style import figure_json, figure_script
from targets.dashboard import current_plan, page_context, submission_grid
from targets.exports import export_table
from targets.progress import count_by_status
from targets.standing_queries import in_plan_order, target_standings, with_chart_groups
from targets.tables.targets import TargetTable
from targets.tables.units import HeatmapTable, ReportingRecordTable, UnitRow, UnitTable, UnitTaskTable
from tasks.calendar import due_date
from tasks.models import MonthlyReport, TaskAssignment
from tasks.reporting import reporting_units
from units.access import require_role
from units.models import Unit
from wuhan_plan.tables import Links


def _tasks_by_unit(plan, units):
    """{unit_id: number of tasks it reports on}: named directly or through a group it belongs to."""
    by_unit = {}
    for task_id, unit_id in TaskAssignment.objects.filter(task__plan=plan).values_list("task_id", "unit_id"):
        by_unit.setdefault(unit_id, set()).add(task_id)
    counts = {}
    for unit in units:
        tasks = set(by_unit.get(unit.pk, ()))
        for group in unit.groups.all():
            tasks |= by_unit.get(group.pk, set())
        counts[unit.pk] = len(tasks)
    return counts


def _unit_counts(plan, units):
    """({unit_id: tasks it reports on}, {unit_id: targets it reports}): the unit table's counts."""
    target_counts = {}
    for unit_id in plan.targets.values_list("reporting_unit_id", flat=True):
        target_counts[unit_id] = target_counts.get(unit_id, 0) + 1
    return _tasks_by_unit(plan, units), target_counts


def _unit_rows(plan, month, units, query, counts=({}, {})):
    """The units' rows at `month` (the units that must report, with their groups): the unit
    table's rows (with `counts`, `_unit_counts`, when the page shows them), the month table's rows
    and what the heatmap figure needs."""
    months = list(range(1, month + 1))
    grid, timeliness = submission_grid(plan, units, months)
    task_counts, target_counts = counts
    rows, heat_rows, links = [], [], Links()
    for unit in units:
        record = timeliness[unit.pk]
        row = UnitRow(unit, task_counts.get(unit.pk, 0), target_counts.get(unit.pk, 0), record, query, links)
        rows.append(row)
        heat_rows.append(
            {
                "name": unit.name, "url": row.url, "rate": record["rate"] or "—", "on_time_share": row.on_time_share,
                **{f"m{m}": grid[(unit.pk, m)] for m in months},
            }
        )
    return months, grid, timeliness, rows, heat_rows


def _reporting_units_as_of(request):
    """The plan, the units that must report (with their groups) and the month shown."""
    plan = current_plan(request)
    units = list(reporting_units(plan).prefetch_related("groups").order_by("position", "code"))
    as_of = as_of_month(request, plan)
    return plan, units, as_of


def _month_table_export(request, table, month):
    return export_table(request, table, f"报送热力图-{month}月.xlsx", "报送热力图")


@login_required
@require_GET
def unit_list(request):
    require_role(request.user)
    plan, units, as_of = _reporting_units_as_of(request)
    months, grid, timeliness, rows, heat_rows = _unit_rows(
        plan, as_of.month, units, as_of.query, _unit_counts(plan, units)
    )
    table = UnitTable(rows)
    RequestConfig(request, paginate=False).configure(table)
    export = request.GET.get("export")
    if export == "xlsx":
        return export_table(request, table, f"单位报送-{as_of.month}月.xlsx", "单位报送")
    if export == "heatmap":  # the month table's workbook, as its own page gives it
        return _month_table_export(request, HeatmapTable(heat_rows, months), as_of.month)
    figure = figure_json(heatmap_figure(units, months, grid, timeliness))
    context = page_context(
        request, plan, as_of, table=table, figure=json.loads(figure), figure_script=figure_script(figure, "fig-heatmap"),
    )
    return render(request, "units/unit_list.html", context)


@login_required
@require_GET
def unit_months(request):
    """The heatmap as a table, a unit a row and a month a column (for a screen reader, a print, a
    phone): its own page, linked under the chart, so that the unit list does not write 500 cells
    nobody opened."""
    require_role(request.user)
    plan, units, as_of = _reporting_units_as_of(request)
    months, _grid, _timeliness, _rows, heat_rows = _unit_rows(plan, as_of.month, units, as_of.query)
    table = HeatmapTable(heat_rows, months)
    if request.GET.get("export") in ("xlsx", "heatmap"):
        return _month_table_export(request, table, as_of.month)
    return render(request, "units/unit_months.html", page_context(request, plan, as_of, table=table))


def _unit_tasks(plan, unit, group_ids, query):
    """The rows of a unit's task table: each task it is named for, directly or through a group."""
    assignments = (
        TaskAssignment.objects.filter(task__plan=plan, unit_id__in=[unit.pk, *group_ids])
        .select_related("task__section", "unit")
        .order_by("task__number", "role")
    )
    roles = {value: str(label) for value, label in TaskAssignment.Role.choices}  # once per page, not per row
    as_member = _("%(role)s（作为%(group)s成员）")
    tasks = []
    for assignment in assignments:
        if tasks and tasks[-1]["task"].pk == assignment.task_id:
            continue
        role = roles.get(assignment.role, assignment.role)
        if assignment.unit_id != unit.pk:
            role = as_member % {"role": role, "group": assignment.unit.name}
        url = reverse("tasks:detail", args=[assignment.task.number]) + f"?{query}"
        tasks.append({"task": assignment.task, "role": role, "url": url})
    return tasks


def _groups_and_members(unit):
    """The groups `unit` belongs to and the members it has (a group), from one query of the links."""
    links = Unit.members.through.objects.filter(Q(from_unit=unit) | Q(to_unit=unit)).select_related("from_unit", "to_unit")
    groups, members = [], []
    for link in links:
        if link.to_unit_id == unit.pk:
            groups.append(link.from_unit)
        if link.from_unit_id == unit.pk:
            members.append(link.to_unit)

    def order(u):  # Unit's ordering
        return u.position, u.code

    return sorted(groups, key=order), sorted(members, key=order)


def _unit_detail_data(request, plan, unit, month, query):
    """Everything a unit's page shows at `month`, before rendering: the same for every reader
    (approved figures, and the unit's reporting record, which no reader sees more of).

    Constant queries: the unit's groups and members (one query of the links), its assignments, the
    stored standings of its targets with their tasks (the chart groups targets by task area), and
    (a unit that reports) its reports for the record.
    """
    groups, members = _groups_and_members(unit)
    task_table = UnitTaskTable(_unit_tasks(plan, unit, [g.pk for g in groups], query), prefix="k-")
    # The chart groups targets by task area: their first task's, annotated in the table's query
    # (which sorts in the database); the chart reads the same rows.
    own = with_chart_groups(target_standings(plan, month).filter(target__reporting_unit=unit))
    target_table = TargetTable(own)
    RequestConfig(request, paginate=False).configure(target_table)
    standing_list = in_plan_order(target_table.data)
    record_table = timeliness = None
    if not unit.is_group:
        months = list(range(1, 13))
        grid, all_timeliness = submission_grid(plan, [unit], months)
        timeliness = all_timeliness[unit.pk]
        reports = {
            r.month: r
            for r in MonthlyReport.objects.filter(plan=plan, unit=unit).only("month", "submitted_at", "reviewed_at").order_by()
        }
        record_table = ReportingRecordTable(
            [
                {
                    "month": m,
                    "state": grid[(unit.pk, m)],
                    "deadline": due_date(plan, m),
                    "submitted_at": reports[m].submitted_at if m in reports else None,
                    "reviewed_at": reports[m].reviewed_at if m in reports else None,
                }
                for m in months
            ],
            prefix="r-",
        )
    return {
        "groups": groups,
        "members": members,
        "task_table": task_table,
        "target_table": target_table,
        "record_table": record_table,
        "timeliness": timeliness,
        "standing_list": standing_list,
    }


@login_required
@require_GET
def unit_detail(request, code):
    require_role(request.user)
    plan = current_plan(request)
    unit = get_object_or_404(Unit, code=code)
    as_of = as_of_month(request, plan)
    month = as_of.month
    export = request.GET.get("export")
    if export in ("xlsx", "tasks") or (export == "record" and not unit.is_group):
        data = _unit_detail_data(request, plan, unit, month, as_of.query)
        if export == "xlsx":
            return export_table(request, data["target_table"], f"{unit.name}-指标.xlsx", "指标")
        if export == "tasks":
            return export_table(request, data["task_table"], f"{unit.name}-任务.xlsx", "任务")
        return export_table(request, data["record_table"], f"{unit.name}-报送记录.xlsx", "报送记录")
    data = _unit_detail_data(request, plan, unit, month, as_of.query)
    standing_list = data.pop("standing_list")
    figure = figure_json(completion_figure(standing_list, group_of=group_by_annotation)) if standing_list else None
    context = page_context(
        request, plan, as_of, unit=unit, **data,
        status_counts=count_by_status(standing_list),
        figure=json.loads(figure) if figure else None,
        figure_script=figure_script(figure, "fig-unit-targets") if figure else "",
    )
    return render(request, "units/unit_detail.html", context)
