"""Entering a month: a target's value and a task's progress, created or updated under optimistic locking."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reporting.services.common import (
    EditConflict,
    NotEditable,
    changed_fields,
    locked_report,
    require_editable,
    save_with_history,
)
from targets.data_quality import suspect_reasons
from targets.models import Target, TargetValue
from targets.progress import Status, status_for
from targets.validation import clean_target_value
from tasks.models import MonthlyReport, ProgressReport
from tasks.reporting import draft_plan_message, plan_takes_reports, tasks_for_unit

VALUE_FIELDS = ("value", "note", "source")
PROGRESS_FIELDS = (
    "work_done", "problems", "next_steps", "self_status", "needs_coordination", "coordination_matter",
)
NOTE_MAX = 2000
SOURCE_MAX = 200
TEXT_MAX = 5000
MATTER_MAX = 2000


def changed_object(existing, new_object, *, after, fields, user, expected_version, conflict_message,
                   before_save=None):
    """`existing` (or a new object) with `after` applied, not saved; None when nothing changed.

    `expected_version` is the version the user's form showed (0 or None: there was no row then);
    someone's save since raises EditConflict. A change bumps the version of an existing row.
    """
    if existing is None:
        if expected_version:
            raise EditConflict(conflict_message)
        obj = new_object()
        for field, new in after.items():
            setattr(obj, field, new)
        obj.updated_by = user
        return obj
    if expected_version is not None and existing.version != expected_version:
        raise EditConflict(conflict_message)
    if not changed_fields({field: getattr(existing, field) for field in fields}, after, fields):
        return None
    for field, new in after.items():
        setattr(existing, field, new)
    if before_save:
        before_save(existing)
    existing.version += 1
    existing.updated_by = user
    return existing


def _create_or_update(existing, new_object, *, user, **rules):
    """Save `changed_object(…)` with a history row; an unchanged save does nothing."""
    obj = changed_object(existing, new_object, user=user, **rules)
    if obj is None:
        return existing
    save_with_history(obj, user)
    return obj


def _reset_closed_coordination(progress):
    if not progress.needs_coordination:
        progress.coordination_closed = False


def get_or_create_report(plan, unit, month):
    """The unit's report for `month` of `plan`, created as an empty draft when missing."""
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise ValueError(f"month must be 1–12, not {month!r}")
    if unit.is_group:
        raise ValueError("a group does not report; its members do")
    if not plan_takes_reports(plan):
        raise NotEditable(draft_plan_message(plan))
    report, _created = MonthlyReport.objects.get_or_create(plan=plan, unit=unit, month=month)
    return report


# Values


def clean_value_entry(target, value, note, source):
    """(value, note, source) cleaned for `target`, or ValidationError({field: [messages]})."""
    note = (note or "").strip()
    source = (source or "").strip()
    errors = {}
    try:
        value = clean_target_value(target, value)
    except ValidationError as error:
        errors["value"] = error.messages
    if len(note) > NOTE_MAX:
        errors["note"] = [_("说明不能超过 %(n)d 字。") % {"n": NOTE_MAX}]
    if len(source) > SOURCE_MAX:
        errors["source"] = [_("数据来源不能超过 %(n)d 字。") % {"n": SOURCE_MAX}]
    if errors:
        raise ValidationError(errors)
    return value, note, source


def require_reported_by(report, target):
    if target.plan_id != report.plan_id or target.reporting_unit_id != report.unit_id:
        raise NotEditable(_("该指标不由本单位报送。"))


def save_target_value(report, target, *, value, note="", source="", user, expected_version=None):
    """Create or update the unit's draft value of `target` in `report`.

    `value` is a Decimal or what the user typed (run through `clean_target_value`). Raises
    ValidationError (with field keys), NotEditable or EditConflict; nothing is saved then.
    """
    value, note, source = clean_value_entry(target, value, note, source)
    with transaction.atomic():
        report = locked_report(report)
        require_editable(report, user)
        require_reported_by(report, target)
        suspect = confirmed_suspect_reasons(target, value, report.month, approved_earlier(report, [target]).get(target.pk), note)
        existing = (
            TargetValue.objects.select_for_update()
            .filter(target=target, unit_id=report.unit_id, month=report.month)
            .first()
        )
        return _create_or_update(existing, new_value(report, target), **value_rules(report, value, note, source, suspect),
                                 user=user, expected_version=expected_version)


def new_value(report, target):
    return lambda: TargetValue(target=target, unit_id=report.unit_id, report=report, month=report.month)


def value_rules(report, value, note, source, suspect):
    """How a value row changes: what it becomes, which fields count as a change, the conflict's words."""
    return {
        "after": {"value": value, "note": note, "source": source, "suspect": suspect},
        "fields": VALUE_FIELDS,
        "conflict_message": _("该数值已被他人修改，请刷新后重试。"),
        "before_save": lambda obj: setattr(obj, "report", report),
    }


def approved_earlier(report, targets):
    """{target id: {month: value}} of the unit's approved figures of `targets` before the report's month."""
    earlier = {}
    for target_id, month, value in (
        TargetValue.objects.approved()
        .filter(target__in=targets, unit_id=report.unit_id, month__lt=report.month)
        .values_list("target_id", "month", "value")
    ):
        earlier.setdefault(target_id, {})[month] = value
    return earlier


def confirmed_suspect_reasons(target, value, month, earlier, note):
    """The reasons `value` looks wrong (targets/data_quality.py), against the unit's approved earlier
    months (`earlier`: {month: value}); a suspect figure is saved only with a note that confirms it
    (ValidationError otherwise)."""
    reasons = [reason.message for reason in suspect_reasons(target, value, month, earlier or {})]
    if reasons and not note:
        raise ValidationError({"note": [
            _("此数值可能有误：%(reasons)s如确认无误，请在“说明”中写明原因后再保存。") % {"reasons": "".join(reasons)}
        ]})
    return reasons


# Progress


def tasks_with_targets_behind(report):
    """Ids of the tasks whose targets, as reported by the unit in `report` this month, fall behind
    the time progress (滞后 or 严重滞后): the tasks whose 存在问题 is required whatever the unit's own
    assessment. Three queries, for every task of the report at once."""
    values = list(
        TargetValue.objects.filter(report=report, target__reporting_unit_id=report.unit_id).select_related("target")
    )
    if not values:
        return set()
    # A stock without a year-start figure is judged by its trend: it needs the approved months before.
    earlier = approved_earlier(report, [v.target_id for v in values])
    behind_statuses = (Status.BEHIND, Status.SERIOUSLY_BEHIND)
    behind = [
        v.target_id for v in values
        if status_for(v.target, v.value, report.month, earlier.get(v.target_id)) in behind_statuses
    ]
    if not behind:
        return set()
    return set(Target.tasks.through.objects.filter(target_id__in=behind).values_list("task_id", flat=True))


def progress_problems_required(report, task, self_status, behind_tasks=None):
    """存在问题 is required when the unit says it is behind, or when a value the unit reported
    this month, for a target of this task, falls behind the time progress (滞后 or 严重滞后).
    `behind_tasks`: `tasks_with_targets_behind(report)`, when the caller has it already."""
    if self_status == ProgressReport.SelfStatus.BEHIND:
        return True
    if behind_tasks is None:
        behind_tasks = tasks_with_targets_behind(report)
    return task.pk in behind_tasks


def clean_progress(report, task, data, behind_tasks=None):
    """The cleaned progress fields of `data`, or ValidationError({field: [messages]}).
    `behind_tasks`: `tasks_with_targets_behind(report)`, when the caller has it already."""
    cleaned = {
        "work_done": (data.get("work_done") or "").strip(),
        "problems": (data.get("problems") or "").strip(),
        "next_steps": (data.get("next_steps") or "").strip(),
        "self_status": data.get("self_status") or "",
        "needs_coordination": bool(data.get("needs_coordination")),
        "coordination_matter": (data.get("coordination_matter") or "").strip(),
    }
    errors = {}
    for field, limit in (("work_done", TEXT_MAX), ("problems", TEXT_MAX), ("next_steps", TEXT_MAX),
                         ("coordination_matter", MATTER_MAX)):
        if len(cleaned[field]) > limit:
            errors[field] = [_("不能超过 %(n)d 字。") % {"n": limit}]
    if not cleaned["work_done"] and "work_done" not in errors:
        errors["work_done"] = [_("请填写工作进展。")]
    if cleaned["self_status"] not in ProgressReport.SelfStatus.values:
        errors["self_status"] = [_("请选择自评状态。")]
    elif not cleaned["problems"] and progress_problems_required(report, task, cleaned["self_status"], behind_tasks):
        errors["problems"] = [_("进度滞后或指标落后于时间进度时，须填写存在问题。")]
    if cleaned["needs_coordination"] and not cleaned["coordination_matter"] and "coordination_matter" not in errors:
        errors["coordination_matter"] = [_("勾选需市级协调时，须填写协调事项。")]
    if not cleaned["needs_coordination"]:
        cleaned["coordination_matter"] = ""
    if errors:
        raise ValidationError(errors)
    return cleaned


def save_progress(
    report, task, *, work_done, problems, next_steps, self_status, needs_coordination, coordination_matter,
    user, expected_version=None,
):
    """Create or update the unit's progress on `task` in `report` (same rules as save_target_value)."""
    data = {
        "work_done": work_done, "problems": problems, "next_steps": next_steps, "self_status": self_status,
        "needs_coordination": needs_coordination, "coordination_matter": coordination_matter,
    }
    with transaction.atomic():
        report = locked_report(report)
        require_editable(report, user)
        if not tasks_for_unit(report.plan, report.unit).filter(pk=task.pk).exists():
            raise NotEditable(_("该任务不由本单位报送。"))
        after = clean_progress(report, task, data)
        existing = ProgressReport.objects.select_for_update().filter(report=report, task=task).first()
        return _create_or_update(existing, new_progress(report, task), **progress_rules(after),
                                 user=user, expected_version=expected_version)


def new_progress(report, task):
    return lambda: ProgressReport(report=report, task=task)


def progress_rules(after):
    """How a progress row changes (as `value_rules`); un-ticking 需市级协调 reopens nothing closed."""
    return {
        "after": after,
        "fields": PROGRESS_FIELDS,
        "conflict_message": _("该任务进展已被他人修改，请刷新后重试。"),
        "before_save": _reset_closed_coordination,
    }
