"""Reading the stored standings (targets/standing_store.py writes them): plain, indexed queries.

A page's number of queries is the same whatever the month, the filter, the sort, the page, the
number of targets or the number of plan years stored.
"""

from django.db.models import Count, Prefetch, Q

from targets.models import Status, TargetStanding, TaskStanding
from tasks.models import MonthlyReport, ProgressReport, Section, Task

BEHIND = (Status.BEHIND, Status.SERIOUSLY_BEHIND)


def target_standings(plan, month):
    """The plan's target standings at `month`, with target, reporting unit and goal group, in plan order."""
    return (
        TargetStanding.objects.at(plan, month)
        .select_related("target__reporting_unit", "target__goal_section")
        .order_by("target__position", "target__code")
    )


def with_target_tasks(queryset):
    """… and each target's tasks with their section (the overview's chart groups by them): one query more."""
    return queryset.prefetch_related(
        Prefetch("target__tasks", queryset=Task.objects.select_related("section").order_by("number"))
    )


def _status_counts(queryset):
    counts = {status: 0 for status in Status}
    for row in queryset.order_by().values("status").annotate(n=Count("id")):
        counts[Status(row["status"])] += row["n"]
    return counts


def target_status_counts(queryset):
    """{Status: number of targets} of a queryset of TargetStanding, counted in SQL."""
    return _status_counts(queryset)


def task_standings(plan, month):
    """{task_id: TaskStanding} of the plan's tasks at `month`."""
    return {s.task_id: s for s in TaskStanding.objects.filter(plan=plan, month=month)}


def task_status_counts(plan, month):
    return _status_counts(TaskStanding.objects.filter(plan=plan, month=month))


def behind_tasks(plan, month):
    """The tasks 滞后 or 严重滞后 at `month`, in plan order, with their standing."""
    return list(
        TaskStanding.objects.filter(plan=plan, month=month, status__in=BEHIND)
        .select_related("task")
        .order_by("task__number")
    )


def _by_status(prefix="", distinct=None):
    def counter(status=None):
        condition = Q(**{f"{prefix}status": status}) if status else Q()
        return Count(distinct or "id", filter=condition, distinct=bool(distinct))

    columns = {"targets": counter()}
    columns.update({status.value: counter(status.value) for status in Status})
    return columns


def section_summary(plan, month):
    """One row per goal group and task area: targets by status, tasks, tasks behind, open matters.

    Aggregated in SQL (five queries): a target counts once in each group it belongs to — its goal
    group, and each task area one of its tasks is in.
    """
    sections = list(Section.objects.filter(plan=plan).order_by("kind", "number"))
    at_month = TargetStanding.objects.at(plan, month).order_by()
    by_goal = {
        row["target__goal_section"]: row
        for row in at_month.filter(target__goal_section__isnull=False)
        .values("target__goal_section").annotate(**_by_status())
    }
    by_area = {
        row["target__tasks__section"]: row
        for row in at_month.filter(target__tasks__isnull=False)
        .values("target__tasks__section").annotate(**_by_status(distinct="target"))
    }
    tasks = {
        row["task__section"]: row
        for row in TaskStanding.objects.filter(plan=plan, month=month).order_by()
        .values("task__section")
        .annotate(tasks=Count("id"), behind=Count("id", filter=Q(status__in=BEHIND)))
    }
    open_items = {
        row["task__section"]: row["n"]
        for row in open_coordination(plan, month).order_by().values("task__section").annotate(n=Count("id"))
    }
    rows = []
    for section in sections:
        is_area = section.kind == Section.Kind.TASK_AREA
        counts = (by_area if is_area else by_goal).get(section.pk, {})
        rows.append({
            "section": section,
            "kind": section.get_kind_display(),
            "name": str(section),
            "targets": counts.get("targets", 0),
            **{status.value: counts.get(status.value, 0) for status in Status},
            "tasks": tasks.get(section.pk, {}).get("tasks", 0) if is_area else None,
            "tasks_behind": tasks.get(section.pk, {}).get("behind", 0) if is_area else None,
            "open_items": open_items.get(section.pk, 0) if is_area else None,
        })
    return rows


def open_coordination(plan, month, task=None):
    """Approved progress reports up to `month` flagged 需市级协调 and not yet closed."""
    items = ProgressReport.objects.filter(
        report__plan=plan,
        report__status=MonthlyReport.Status.APPROVED,
        report__month__lte=month,
        needs_coordination=True,
        coordination_closed=False,
    )
    if task is not None:
        items = items.filter(task=task)
    return items.select_related("task", "report__unit").order_by("-report__month", "task__number", "report__unit__position")


def count_missing_due_period(queryset):
    """How many targets show an earlier figure because the latest period due is not reported."""
    return queryset.filter(missing_due_period=True, value__isnull=False).count()


def stored_standings_of(targets, month):
    """The stored standings of `targets` (already loaded) at `month`, in their order, one query.

    Each row's `target` is the object given, with whatever it has prefetched (the workbook's lead
    units); a target without a stored row yet (a plan just loaded, not rebuilt) is left out.
    """
    targets = list(targets)
    by_id = {t.pk: t for t in targets}
    rows = {r.target_id: r for r in TargetStanding.objects.filter(target_id__in=by_id, month=month)}
    result = []
    for target in targets:
        row = rows.get(target.pk)
        if row is not None:
            row.target = target
            result.append(row)
    return result
