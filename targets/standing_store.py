"""Stored standings: computed by the rules once, when the data they depend on changes.

The write path announces its changes (tasks/signals.py) and the receivers below store the new
standings in its transaction: `refresh_for_units` after a report is approved or reopened,
`refresh_plan` after an admin edit or a bulk load (load_plan, seed_demo); `refresh_targets` when a
target's definition changes (its year-start figure). Each writes every month's standing of
the targets and tasks concerned — only those — so a reader never sees figures that disagree
with the approved data. Pages, exports and emails read `TargetStanding` / `TaskStanding` rows with
plain queries and never recompute them.

Queries per refresh are constant: the targets, the district shares of those broken down
(targets/breakdown.py), their approved values, the existing rows
(one upsert per table), the tasks with their assignments and members, and the self-assessments.
"""

from django.db.models import Prefetch, Q

from targets import breakdown
from targets.models import Target, TargetStanding, TargetValue, TaskStanding
from targets.progress import STATUS_ORDER, Status, standing_for
from targets.task_status import task_standing, units_with_roles
from tasks.models import MonthlyReport, ProgressReport, Task, TaskAssignment
from units.models import Unit

MONTHS = range(1, 13)
STATUS_RANK = {status.value: rank for rank, status in enumerate(STATUS_ORDER)}

TARGET_FIELDS = [
    "plan", "value", "value_month", "due_month", "missing_due_period", "monthly_values_json", "completion",
    "points", "expected_share", "time_progress", "status", "status_rank", "judged_by_trend", "forecast_value",
    "forecast_low", "forecast_high", "forecast_method", "forecast_months_used", "forecast_months_left",
    "forecast_likely_missed", "forecast_completion", "forecast_points", "pace_needed", "last_update",
]
TASK_FIELDS = ["plan", "status", "status_rank", "flags", "behind_responsible"]


def _approved_values(targets):
    """{target_id: {month: (value, updated_at)}} of each target's reporting unit, due months only;
    a city target broken down into district shares gets the figure its rule makes of theirs
    (targets/breakdown.py)."""
    by_id = {t.pk: t for t in targets}
    result = {pk: {} for pk in by_id}
    shares = breakdown.combining_shares(targets)
    rows = (
        TargetValue.objects.approved()
        .filter(target_id__in=set(by_id) | set(shares))
        .order_by()
        .values_list("target_id", "unit_id", "month", "value", "updated_at")
    )
    share_series = {}
    for target_id, unit_id, month, value, updated_at in rows:
        target = by_id.get(target_id)
        if target is not None and unit_id == target.reporting_unit_id and target.is_due_in(month):
            result[target_id][month] = (value, updated_at)
        if target_id in shares and unit_id == shares[target_id][1]:
            share_series.setdefault(target_id, {})[month] = (value, updated_at)
    by_city = {}
    for share_id, (city, _unit_id) in shares.items():
        by_city.setdefault(city.pk, []).append(share_series.get(share_id, {}))
    for city_id, series in by_city.items():
        result[city_id] = breakdown.combined_series(by_id[city_id], series)
    return result


def target_rows(targets):
    """Unsaved TargetStanding rows of `targets` for every month, as the rules give them."""
    rows = []
    values = _approved_values(targets)
    for target in targets:
        series = values[target.pk]
        for month in MONTHS:
            upto = {m: v for m, (v, _at) in series.items() if m <= month}
            standing = standing_for(target, month, upto)
            forecast = standing.forecast
            updates = [at for m, (_v, at) in series.items() if m <= month]
            rows.append(TargetStanding(
                plan_id=target.plan_id, target=target, month=month, value=standing.value,
                value_month=standing.value_month, due_month=standing.due_month,
                missing_due_period=standing.missing_due_period,
                monthly_values_json={str(m): str(v) for m, v in standing.monthly_values.items()},
                completion=standing.completion, points=standing.points, expected_share=standing.expected_share,
                time_progress=standing.time_progress, status=standing.status, status_rank=STATUS_RANK[standing.status],
                judged_by_trend=standing.judged_by_trend,
                forecast_value=forecast.value if forecast else None,
                forecast_low=forecast.low if forecast else None,
                forecast_high=forecast.high if forecast else None,
                forecast_method=forecast.method if forecast else "",
                forecast_months_used=forecast.months_used if forecast else None,
                forecast_months_left=forecast.months_left if forecast else None,
                forecast_likely_missed=forecast.likely_missed if forecast else None,
                forecast_completion=forecast.completion if forecast else None,
                forecast_points=forecast.points if forecast else None,
                pace_needed=forecast.pace_needed if forecast else None,
                last_update=max(updates) if updates else None,
            ))
    return rows


def _self_statuses_by_month(plan, task_ids):
    """{month: {(task_id, unit_id): self_status}} of the latest approved assessment up to each month."""
    rows = (
        ProgressReport.objects.filter(
            report__plan=plan, report__status=MonthlyReport.Status.APPROVED, task_id__in=task_ids
        )
        .exclude(self_status="")
        .order_by("report__month")
        .values_list("report__month", "task_id", "report__unit_id", "self_status")
    )
    by_month = {m: [] for m in MONTHS}
    for month, task_id, unit_id, self_status in rows:
        by_month[month].append(((task_id, unit_id), self_status))
    result, latest = {}, {}
    for month in MONTHS:
        latest.update(by_month[month])
        result[month] = dict(latest)
    return result


def _tasks_with_units(task_ids):
    return list(
        Task.objects.filter(pk__in=task_ids).prefetch_related(
            Prefetch(
                "assignments",
                queryset=TaskAssignment.objects.select_related("unit").prefetch_related(
                    Prefetch("unit__members", queryset=Unit.objects.order_by("position", "code"))
                ),
            ),
        )
    )


def task_rows(plan, task_ids, target_status=None):
    """Unsaved TaskStanding rows of the tasks for every month. `target_status`
    ({(target_id, month): status}) defaults to the stored target standings."""
    tasks = _tasks_with_units(task_ids)
    links = {}
    for task_id, target_id in Target.tasks.through.objects.filter(task_id__in=task_ids).values_list("task_id", "target_id"):
        links.setdefault(task_id, []).append(target_id)
    if target_status is None:
        target_status = {
            (target_id, month): status
            for target_id, month, status in TargetStanding.objects.filter(
                target_id__in={t for ids in links.values() for t in ids}
            ).values_list("target_id", "month", "status")
        }
    self_statuses = _self_statuses_by_month(plan, task_ids)
    rows = []
    for task in tasks:
        units, empty_groups = units_with_roles(task.assignments.all())
        for month in MONTHS:
            statuses = [target_status.get((t, month), Status.NOT_REPORTED) for t in links.get(task.pk, [])]
            assessments = [(role, self_statuses[month].get((task.pk, unit.pk))) for unit, role in units]
            standing = task_standing(statuses, assessments, month, empty_groups)
            rows.append(TaskStanding(
                plan_id=task.plan_id, task=task, month=month, status=standing.status,
                status_rank=STATUS_RANK[standing.status], flags=[str(f) for f in standing.flags],
                behind_responsible=standing.behind_responsible,
            ))
    return rows


def _upsert(model, rows, unique, fields):
    model.objects.bulk_create(rows, update_conflicts=True, unique_fields=unique, update_fields=fields, batch_size=1000)


def refresh_targets(targets, plan=None):
    """Store the standings of `targets` and of the tasks they belong to."""
    targets = list(targets)
    if not targets:
        return
    _upsert(TargetStanding, target_rows(targets), ["target", "month"], TARGET_FIELDS)
    task_ids = set(Target.tasks.through.objects.filter(target__in=targets).values_list("task_id", flat=True))
    if task_ids:
        refresh_tasks(plan or targets[0].plan, task_ids)


def refresh_tasks(plan, task_ids):
    _upsert(TaskStanding, task_rows(plan, list(task_ids)), ["task", "month"], TASK_FIELDS)


def refresh_for_units(plan, unit_ids):
    """After a report of `unit_ids` is approved or reopened: their targets, the city targets those
    are district shares of, and every task the units report on (directly or through a group) or that
    those targets belong to."""
    unit_ids = list(unit_ids)
    targets = list(
        Target.objects.filter(plan=plan)
        .filter(Q(reporting_unit_id__in=unit_ids) | Q(shares__reporting_unit_id__in=unit_ids))
        .distinct()
    )
    group_ids = Unit.members.through.objects.filter(to_unit_id__in=unit_ids).values_list("from_unit_id", flat=True)
    task_ids = set(
        TaskAssignment.objects.filter(task__plan=plan)
        .filter(Q(unit_id__in=unit_ids) | Q(unit_id__in=list(group_ids)))
        .values_list("task_id", flat=True)
    )
    if targets:
        _upsert(TargetStanding, target_rows(targets), ["target", "month"], TARGET_FIELDS)
        task_ids |= set(Target.tasks.through.objects.filter(target__in=targets).values_list("task_id", flat=True))
    if task_ids:
        refresh_tasks(plan, task_ids)


def refresh_plan(plan):
    """Every standing of the plan (after a bulk load, a rule change or a migration)."""
    targets = list(Target.objects.filter(plan=plan))
    TargetStanding.objects.filter(plan=plan).exclude(target__in=targets).delete()
    if targets:
        _upsert(TargetStanding, target_rows(targets), ["target", "month"], TARGET_FIELDS)
    task_ids = list(Task.objects.filter(plan=plan).values_list("pk", flat=True))
    if task_ids:
        refresh_tasks(plan, task_ids)


def on_approved_data_changed(sender, plan, unit_ids, **kwargs):
    refresh_for_units(plan, unit_ids)


def on_plan_data_changed(sender, plan, **kwargs):
    refresh_plan(plan)


def stored_differences(plan):
    """[(kind, object, month, field, stored, computed)] where the stored standings of `plan` differ
    from what the rules give now (missing rows included); [] when they agree."""
    differences = []
    targets = list(Target.objects.filter(plan=plan))
    stored = {(r.target_id, r.month): r for r in TargetStanding.objects.filter(plan=plan)}
    computed = target_rows(targets)
    for row in computed:
        differences += _compare("target", row.target, row, stored.get((row.target_id, row.month)), TARGET_FIELDS)
    task_ids = list(Task.objects.filter(plan=plan).values_list("pk", flat=True))
    stored_tasks = {(r.task_id, r.month): r for r in TaskStanding.objects.filter(plan=plan)}
    # Task rows are computed from the target rows as the rules give them now, not as stored.
    computed_targets = {(r.target_id, r.month): r.status for r in computed}
    for row in task_rows(plan, task_ids, computed_targets):
        differences += _compare("task", row.task, row, stored_tasks.get((row.task_id, row.month)), TASK_FIELDS)
    return differences


def _normalise(field, value):
    if field == "plan":
        return getattr(value, "pk", value)
    if hasattr(value, "normalize"):
        return value.normalize()
    return value


def _compare(kind, obj, computed, stored, fields):
    if stored is None:
        return [(kind, obj, computed.month, "*", None, "missing")]
    found = []
    for field in fields:
        attr = "plan_id" if field == "plan" else field
        a, b = _normalise(field, getattr(stored, attr)), _normalise(field, getattr(computed, attr))
        if a != b:
            found.append((kind, obj, computed.month, field, a, b))
    return found
