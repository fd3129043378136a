"""Task pages: /tasks/ (every task with its status) and /tasks/<n>/ (one task of the plan, n = 1–22)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from reports.exports import export_table
from targets import charts
from targets.asof import as_of_month
from targets.dashboard import (
    current_plan,
    last_updates,
    open_coordination,
    page_context,
    plan_tasks,
    standing_map,
    task_status_map,
)
from targets.progress import Status, latest_self_statuses, standings, task_statuses
from targets.tables import TargetRow, TargetTable
from tasks.models import MonthlyReport, ProgressReport
from tasks.reporting import units_assigned_to_task
from tasks.tables import ProgressTable, TaskRow, TaskTable
from units.access import editable_unit_ids, reads_everything, require_role


def visible_progress(user, queryset):
    """Progress reports the user may read: approved ones of every unit; bureau staff and leaders
    also see submitted and returned ones; a liaison also sees everything of its own unit."""
    if reads_everything(user):
        return queryset.exclude(report__status=MonthlyReport.Status.DRAFT)
    return queryset.filter(Q(report__status=MonthlyReport.Status.APPROVED) | Q(report__unit_id__in=editable_unit_ids(user)))


@login_required
@require_GET
def task_list(request):
    require_role(request.user)
    plan = current_plan()
    as_of = as_of_month(request, plan)
    tasks = list(plan_tasks(plan).prefetch_related("assignments__unit"))
    targets = {t.pk: t for task in tasks for t in task.targets.all()}
    by_target = standing_map(standings(targets.values(), as_of.month))
    status_by_task = task_status_map(plan, tasks, as_of.month, by_target)
    open_counts = {}
    for item in open_coordination(plan, as_of.month):
        open_counts[item.task_id] = open_counts.get(item.task_id, 0) + 1
    table = TaskTable([TaskRow(t, status_by_task[t.pk], open_counts.get(t.pk, 0), as_of.month) for t in tasks])
    RequestConfig(request, paginate=False).configure(table)
    if request.GET.get("export") == "xlsx":
        return export_table(request, table, f"重点任务-{as_of.month}月.xlsx", "重点任务")
    return render(request, "tasks/task_list.html", page_context(request, plan, as_of, table=table))


@login_required
@require_GET
def task_detail(request, number):
    require_role(request.user)
    plan = current_plan()
    task = (
        plan.tasks.select_related("section")
        .prefetch_related("assignments__unit__members", "targets")
        .filter(number=number)
        .first()
    )
    if task is None:
        raise Http404
    as_of = as_of_month(request, plan)
    month = as_of.month
    targets = list(
        task.targets.select_related("reporting_unit", "goal_section").prefetch_related("tasks__section").order_by("position", "code")
    )
    standing_list = standings(targets, month)
    status = task_statuses([task], month, standing_map(standing_list), latest_self_statuses(plan, month))[task.pk]
    updates = last_updates(targets, month)
    target_table = TargetTable([TargetRow(s, updates.get(s.target.pk)) for s in standing_list], prefix="t-")
    progress = list(
        visible_progress(
            request.user,
            ProgressReport.objects.filter(task=task, report__plan=plan, report__month__lte=month),
        )
        .select_related("report__unit")
        .order_by("report__unit__position", "-report__month")
    )
    progress_table = ProgressTable(progress)
    export = request.GET.get("export")
    if export == "xlsx":
        return export_table(request, progress_table, f"任务{task.number}-月度进展.xlsx", f"任务{task.number}")
    if export == "targets":
        return export_table(request, target_table, f"任务{task.number}-指标.xlsx", f"任务{task.number}指标")
    units = units_assigned_to_task(task.assignments.all())
    by_cell = {(p.report.unit_id, p.report.month): p for p in progress}
    months = list(range(1, month + 1))
    grid = [
        {"unit": unit, "cells": [_progress_cell(by_cell.get((unit.pk, m))) for m in months]}
        for unit in units
    ]
    coordination = [p for p in progress if p.needs_coordination]
    context = page_context(
        request,
        plan,
        as_of,
        task=task,
        status=Status(status),
        lead_units=task.lead_units(),
        responsible_units=task.responsible_units(),
        target_charts=[
            (s, f"fig-target-{s.target.pk}", charts.as_json(charts.target_figure(s, small=True))) for s in standing_list
        ],
        target_table=target_table,
        progress_table=progress_table,
        months=months,
        grid=grid,
        coordination=coordination,
    )
    return render(request, "tasks/task_detail.html", context)


def _progress_cell(progress):
    """One month of one unit in the grid: its self-assessment, or the report status if not approved."""
    if progress is None:
        return {"code": "none", "label": "—"}
    label = progress.get_self_status_display() or _("已报送")
    if progress.report.status != MonthlyReport.Status.APPROVED:
        label = _("%(label)s（%(status)s）") % {"label": label, "status": progress.report.get_status_display()}
    return {"code": progress.self_status or "none", "label": label, "flag": progress.needs_coordination}
