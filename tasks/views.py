"""Task pages: /tasks/ (every task with its status) and /tasks/<n>/ (one task of the plan, n = 1–22)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.html import json_script
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from reports.exports import export_table
from targets import charts
from targets.asof import as_of_month
from targets.cache import cached, query_key, reader_scope
from targets.dashboard import (
    current_plan,
    last_updates,
    open_coordination_counts,
    page_context,
    plan_task_list,
    standing_map,
    target_status_map,
    task_status_map,
)
from targets.models import Target
from targets.progress import Status, latest_self_statuses, standings, task_statuses
from targets.tables import TargetRow, TargetTable
from tasks.models import MonthlyReport, ProgressReport
from tasks.reporting import units_assigned_to_task
from tasks.tables import ProgressTable, TaskRow, TaskTable
from units.access import editable_unit_ids, reads_everything, require_role

PROGRESS_PER_PAGE = 50  # narratives per page on a task's page, the latest months first; the export has all


def visible_progress(user, queryset):
    """Progress reports the user may read: approved ones of every unit; bureau staff and leaders
    also see submitted and returned ones; a liaison also sees everything of its own unit."""
    if reads_everything(user):
        return queryset.exclude(report__status=MonthlyReport.Status.DRAFT)
    return queryset.filter(Q(report__status=MonthlyReport.Status.APPROVED) | Q(report__unit_id__in=editable_unit_ids(user)))


# What the task list reads of a target: its status (`target_status_map`) and its place in a task.
_STATUS_FIELDS = ("id", "kind", "value", "comparison", "baseline", "monthly_profile", "reporting_unit", "position", "code")


def _task_list_table(request, plan, month):
    """The task table at `month`: every task of the plan with its status and open coordination matters.

    Only approved figures and approved narratives count, so the table is the same for every reader.
    Constant queries: the targets (only the fields the status needs, no ORDER BY), the tasks with
    their assignments, links and group members (`plan_task_list`, 4), the approved values, the
    latest self-assessments and the open coordination matters (task ids only).
    """
    targets = list(Target.objects.filter(plan=plan).only(*_STATUS_FIELDS).order_by())
    tasks = plan_task_list(plan, targets)
    linked = {t.pk: t for task in tasks for t in task.targets.all()}
    by_target = target_status_map(list(linked.values()), month)
    status_by_task = task_status_map(plan, tasks, month, by_target)
    open_counts = open_coordination_counts(plan, month)
    table = TaskTable([TaskRow(t, status_by_task[t.pk], open_counts.get(t.pk, 0), month) for t in tasks])
    RequestConfig(request, paginate=False).configure(table)
    return table


@login_required
@require_GET
def task_list(request):
    require_role(request.user)
    plan = current_plan()
    as_of = as_of_month(request, plan)
    if request.GET.get("export") == "xlsx":  # never cached
        table = _task_list_table(request, plan, as_of.month)
        return export_table(request, table, _("重点任务-%(month)s月.xlsx") % {"month": as_of.month}, _("重点任务"))
    built = {}

    def table():  # built once per request, and only on a miss or when the context is read (tests)
        if "table" not in built:
            built["table"] = _task_list_table(request, plan, as_of.month)
        return built["table"]

    def build():
        return {"table_html": table().as_html(request)}

    # The same for every reader (approved data only) and for every day of the month: no scope, no date.
    page = cached(plan, ("tasklist", as_of.month, query_key(request)), build, request)
    context = page_context(request, plan, as_of, **page, table=SimpleLazyObject(table))
    return render(request, "tasks/task_list.html", context)


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
        target_table = _task_targets(plan, task, as_of.month)[2]
        return export_table(
            request, target_table, _("任务%(number)s-指标.xlsx") % {"number": task.number},
            _("任务%(number)s指标") % {"number": task.number},
        )
    # Narratives differ by reader (a liaison also sees its own unit's drafts): the key has the scope.
    key = ("task", task.pk, as_of.month, reader_scope(request.user), query_key(request))
    page = cached(plan, key, lambda: _task_page(request, plan, task, as_of.month), request)
    return render(request, "tasks/task_detail.html", page_context(request, plan, as_of, task=task, **page))


def _task_targets(plan, task, month):
    targets = list(
        task.targets.select_related("reporting_unit", "goal_section").prefetch_related("tasks__section").order_by("position", "code")
    )
    standing_list = standings(targets, month)
    updates = last_updates(targets, month)
    target_table = TargetTable([TargetRow(s, updates.get(s.target.pk)) for s in standing_list], prefix="t-")
    return targets, standing_list, target_table


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
    """Everything the task page shows for this reader, rendered (cached by task_detail)."""
    prefetch_related_objects([task], "assignments__unit__members", "targets")
    targets, standing_list, target_table = _task_targets(plan, task, month)
    self_statuses = latest_self_statuses(plan, month, tasks=[task])
    status = task_statuses([task], month, standing_map(standing_list), self_statuses)[task.pk]
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
    # The grid has a cell per unit and month (516 on a big plan): rendered here, once per version.
    progress_grid_html = render_to_string(
        "tasks/_progress_grid.html",
        {"months": months, "grid": grid, "coordination": coordination, "as_of": {"month": month}},
        request,
    )
    return {
        "status": Status(status),
        "lead_units": task.lead_units(),
        "responsible_units": task.responsible_units(),
        "target_charts": [
            (s, f"fig-target-{s.target.pk}", json_script(charts.as_json(charts.target_figure(s, small=True)), f"fig-target-{s.target.pk}"))
            for s in standing_list
        ],
        "target_table_html": target_table.as_html(request) if standing_list else "",
        "progress_table_html": progress_table.as_html(request),
        "months": months,
        "grid": grid,
        "coordination": coordination,
        "progress_grid_html": progress_grid_html,
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
