"""Task pages: /tasks/ (every task with its status) and /tasks/<n>/ (one task of the plan, n = 1–22)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import render
from django.utils.html import json_script
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from targets import charts
from targets.asof import as_of_month
from targets.dashboard import current_plan, open_coordination_counts, page_context
from targets.exports import export_table
from targets.models import Status, TaskStanding
from targets.standing_queries import target_standings, task_standings
from targets.tables.targets import TargetTable
from targets.tables.tasks import ProgressTable, TaskRow, TaskTable
from tasks.models import MonthlyReport, ProgressReport, TaskAssignment
from tasks.reporting import units_assigned_to_task
from units.access import editable_unit_ids, reads_everything, require_role

PROGRESS_PER_PAGE = 50  # narratives per page on a task's page, the latest months first; the export has all


def visible_progress(user, queryset):
    """Progress reports the user may read: approved ones of every unit; bureau staff and leaders
    also see submitted and returned ones; a liaison also sees everything of its own unit."""
    if reads_everything(user):
        return queryset.exclude(report__status=MonthlyReport.Status.DRAFT)
    return queryset.filter(Q(report__status=MonthlyReport.Status.APPROVED) | Q(report__unit_id__in=editable_unit_ids(user)))


def _task_list_table(request, plan, month):
    """The task table at `month`: every task with its stored standing and open coordination matters.

    Constant queries: the tasks with their sections and assignments (2), their stored standings,
    and the open coordination matters (task ids only).
    """
    standings = task_standings(plan, month)
    tasks = list(
        plan.tasks.select_related("section")
        .prefetch_related(Prefetch("assignments", queryset=TaskAssignment.objects.select_related("unit")))
        .annotate(target_count=Count("targets"))
        .order_by("number")
    )
    open_counts = open_coordination_counts(plan, month)
    table = TaskTable([TaskRow(t, standings.get(t.pk), open_counts.get(t.pk, 0), month) for t in tasks])
    RequestConfig(request, paginate=False).configure(table)
    return table


@login_required
@require_GET
def task_list(request):
    require_role(request.user)
    plan = current_plan()
    as_of = as_of_month(request, plan)
    table = _task_list_table(request, plan, as_of.month)
    if request.GET.get("export") == "xlsx":
        return export_table(request, table, _("重点任务-%(month)s月.xlsx") % {"month": as_of.month}, _("重点任务"))
    return render(request, "tasks/task_list.html", page_context(request, plan, as_of, table=table))


@login_required
@require_GET
def task_detail(request, number):
    require_role(request.user)
    plan = current_plan()
    task = plan.tasks.select_related("section").filter(number=number).first()
    if task is None:
        raise Http404
    as_of = as_of_month(request, plan)
    export = request.GET.get("export")
    if export == "xlsx":
        progress_table = ProgressTable(_visible_task_progress(request, plan, task, as_of.month))
        return export_table(
            request, progress_table, _("任务%(number)s-月度进展.xlsx") % {"number": task.number},
            _("任务%(number)s") % {"number": task.number},
        )
    if export == "targets":
        target_table = TargetTable(_task_targets(plan, task, as_of.month), prefix="t-")
        RequestConfig(request, paginate=False).configure(target_table)
        return export_table(
            request, target_table, _("任务%(number)s-指标.xlsx") % {"number": task.number},
            _("任务%(number)s指标") % {"number": task.number},
        )
    page = _task_page(request, plan, task, as_of.month)
    return render(request, "tasks/task_detail.html", page_context(request, plan, as_of, task=task, **page))


def _task_targets(plan, task, month):
    return target_standings(plan, month).filter(target__tasks=task)


def _visible_task_progress(request, plan, task, month):
    """The narratives on `task` up to `month` the user may read, the latest months first."""
    return list(
        visible_progress(
            request.user,
            ProgressReport.objects.filter(task=task, report__plan=plan, report__month__lte=month),
        )
        .select_related("report__unit")
        .order_by("-report__month", "report__unit__position")
    )


def _task_page(request, plan, task, month):
    """Everything the task page shows for this reader: its stored standing, targets, narratives and grid."""
    prefetch_related_objects([task], "assignments__unit__members")
    targets = _task_targets(plan, task, month)
    standing_list = list(targets)
    target_table = TargetTable(targets, prefix="t-")
    RequestConfig(request, paginate=False).configure(target_table)
    task_standing = TaskStanding.objects.get(task=task, month=month)
    progress = _visible_task_progress(request, plan, task, month)
    progress_table = ProgressTable(progress)
    RequestConfig(request, paginate={"per_page": PROGRESS_PER_PAGE}).configure(progress_table)
    units = units_assigned_to_task(task.assignments.all())
    by_cell = {(p.report.unit_id, p.report.month): p for p in progress}
    months = list(range(1, month + 1))
    labels = _CellLabels()
    grid = [
        {"unit": unit, "cells": [_progress_cell(by_cell.get((unit.pk, m)), labels) for m in months]}
        for unit in units
    ]
    coordination = [p for p in progress if p.needs_coordination]
    return {
        "status": Status(task_standing.status),
        "status_flags": task_standing.flags,
        "lead_units": task.lead_units(),
        "responsible_units": task.responsible_units(),
        "target_charts": [
            (s, f"fig-target-{s.target.pk}", json_script(charts.as_json(charts.target_figure(s, small=True)), f"fig-target-{s.target.pk}"))
            for s in standing_list
        ],
        "target_table": target_table if standing_list else None,
        "progress_table": progress_table,
        "months": months,
        "grid": grid,
        "coordination": coordination,
    }


class _CellLabels:
    """The grid's labels, translated once per page rather than once per cell."""

    def __init__(self):
        self.self_status = {value: str(label) for value, label in ProgressReport._meta.get_field("self_status").flatchoices}
        self.report_status = {value: str(label) for value, label in MonthlyReport.Status.choices}
        self.reported = _("已报送")
        self.with_status = _("%(label)s（%(status)s）")


def _progress_cell(progress, labels=None):
    """One month of one unit in the grid: its self-assessment, or the report status if not approved."""
    if progress is None:
        return {"code": "none", "label": "—"}
    labels = labels or _CellLabels()
    label = labels.self_status.get(progress.self_status, progress.self_status) or labels.reported
    if progress.report.status != MonthlyReport.Status.APPROVED:
        status = labels.report_status.get(progress.report.status, progress.report.status)
        label = labels.with_status % {"label": label, "status": status}
    return {"code": progress.self_status or "none", "label": label, "flag": progress.needs_coordination}
