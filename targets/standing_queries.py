"""Reading the stored standings (targets/standing_store.py writes them): plain, indexed queries.

A page's number of queries is the same whatever the month, the filter, the sort, the page, the
number of targets or the number of plan years stored.
"""

from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, When

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


def in_plan_order(standings):
    """The rows of `standings` (a table's data, sorted as its reader asked) in plan order, as
    `target_standings` gives them: a page's charts read its table's rows, not a query of their own."""
    return sorted(standings, key=lambda s: (s.target.position, s.target.code))


def _first_task(field):
    """The `field` of the target's first task (lowest number), as a subquery of a standing row."""
    return Subquery(Task.objects.filter(targets=OuterRef("target")).order_by("number").values(field)[:1])


def with_chart_groups(queryset):
    """… and the number and area of each target's first task, the completion chart's groups
    (targets.charts.completion.group_by_annotation): in the same query, no tasks loaded."""
    return queryset.annotate(
        first_task_number=_first_task("number"),
        first_area_id=_first_task("section_id"),
        first_area_numeral=_first_task("section__numeral"),
        first_area_title=_first_task("section__title"),
    )


def with_first_task(queryset):
    """… and the id of each target's first task (the lowest number), in the same query: the
    completion chart groups by its area (targets.charts.completion.group_by_first_task)."""
    return queryset.annotate(first_task_id=_first_task("pk"))


def chart_group_counts(plan, month):
    """The completion chart's groups on a big plan, their targets counted by status in SQL (one
    query, one subquery a row): a target counts in its goal group, or else with its first task.
    [{"goal": section id or None, "first_task": task id or None, "counts": {Status: n}}];
    targets.charts.completion.label_groups puts the tasks in their areas, names and orders them."""
    rows = (
        TargetStanding.objects.at(plan, month).filter(target__plan=plan).order_by()
        .annotate(
            first_task=Case(When(target__goal_section__isnull=True, then=_first_task("pk")), output_field=IntegerField())
        )
        .values("target__goal_section", "first_task")
        .annotate(**{status.value: Count("id", filter=Q(status=status.value)) for status in Status})
    )
    return [
        {
            "goal": row["target__goal_section"], "first_task": row["first_task"],
            "counts": {status: row[status.value] for status in Status},
        }
        for row in rows
    ]


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


def _counts_by_group(rows, group):
    """{group id: {"targets": n, <status>: n, "missing": n, "likely_missed": n}} from rows grouped by
    (group, status): a few plain aggregates per row rather than one filtered COUNT per status
    (the ORM builds that query in more time than the database answers it)."""
    counts = {}
    for row in rows:
        cell = counts.setdefault(row[group], {"targets": 0, "missing": 0, "likely_missed": 0})
        cell[row["status"]] = cell.get(row["status"], 0) + row["n"]
        cell["targets"] += row["n"]
        cell["missing"] += row.get("missing", 0)
        cell["likely_missed"] += row.get("likely_missed", 0)
    return counts


def overview_counts(plan, month):
    """What the overview counts (five queries): the sections; targets by status per goal group
    (with those that show an earlier figure, `missing`), which also sum to the plan's counts, and
    targets by status per task area, both aggregated in SQL; the tasks' standings; open
    coordination matters per area. A target counts once in each group it belongs to — its goal
    group, and each task area one of its tasks is in.

    {"sections": [...], "summary": the rows of the section summary, "targets": {Status: n},
    "missing": n, "likely_missed": n (year-end forecast below the target), "tasks": {Status: n}, "task_list": the tasks, "behind_tasks": [(task, Status)] in plan
    order, "open_items": n}.
    """
    sections = list(Section.objects.filter(plan=plan).order_by("kind", "number"))
    # target__plan: the planner reads the plan's targets by their index, not every plan's.
    at_month = TargetStanding.objects.at(plan, month).filter(target__plan=plan).order_by()
    by_goal = _counts_by_group(
        at_month.values("target__goal_section", "status").annotate(
            n=Count("id"),
            missing=Count("id", filter=Q(missing_due_period=True, value__isnull=False)),
            likely_missed=Count("id", filter=Q(forecast_likely_missed=True)),
        ),
        "target__goal_section",
    )
    # A target is in one status: counted once per area and status however many of its tasks are there.
    by_area = _counts_by_group(
        at_month.filter(target__tasks__isnull=False)
        .values("target__tasks__section", "status").annotate(n=Count("target", distinct=True)),
        "target__tasks__section",
    )
    # The plan's tasks (a couple of dozen rows): counted per area and status as read, and those behind listed.
    task_counts = {status: 0 for status in Status}
    tasks, behind = {}, []
    task_rows = list(
        TaskStanding.objects.filter(plan=plan, month=month).select_related("task")
        .only("status", "task__number", "task__title", "task__section")  # what the pages name a task by
        .order_by("task__number")
    )
    for standing in task_rows:
        status = Status(standing.status)
        task_counts[status] += 1
        area = tasks.setdefault(standing.task.section_id, {"tasks": 0, "behind": 0})
        area["tasks"] += 1
        if status in BEHIND:
            area["behind"] += 1
            behind.append((standing.task, status))
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
    return {
        "sections": sections,
        "summary": rows,
        "targets": {status: sum(row.get(status.value, 0) for row in by_goal.values()) for status in Status},
        "missing": sum(row["missing"] for row in by_goal.values()),
        "likely_missed": sum(row["likely_missed"] for row in by_goal.values()),
        "tasks": task_counts,
        "task_list": [standing.task for standing in task_rows],
        "behind_tasks": behind,
        "open_items": sum(open_items.values()),
    }


def likely_missed(plan, month, limit):
    """The first `limit` targets, in plan order, whose year-end forecast at `month` falls short of
    the target, with their targets: one query."""
    return list(
        TargetStanding.objects.at(plan, month)
        .filter(target__plan=plan, forecast_likely_missed=True)
        .select_related("target")
        .order_by("target__position", "target__code")[:limit]
    )


def section_summary(plan, month):
    """One row per goal group and task area: targets by status, tasks, tasks behind, open matters."""
    return overview_counts(plan, month)["summary"]


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
