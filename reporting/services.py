"""The one place reported data changes: the forms, the Excel upload and the bureau's corrections call these.

Every function runs in a transaction, locks the report row it changes, checks the report is
editable by the user (`tasks.reporting.can_edit_report`), keeps a django-simple-history
version (with the user) and appends a `units.audit.record` event with before and after.

Optimistic locking: each value and progress row carries `version`; a caller that read a row
at version N passes `expected_version=N` and gets `EditConflict` if someone saved since (for a
row that did not exist when the form was shown, pass 0). An unchanged save is a no-op.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from targets.models import TargetValue
from targets.progress import Status, status_for
from targets.validation import clean_target_value
from tasks.calendar import is_late
from tasks.models import MonthlyReport, ProgressReport, ReportingMonthClosure
from tasks.reporting import can_edit_report, targets_for_unit, tasks_for_unit
from tasks.signals import approved_data_changed, report_returned
from units.access import is_staff
from units.audit import record
from units.models import AuditEvent


class EditConflict(Exception):
    """Someone else saved this row after the caller read it; nothing was changed."""


class NotEditable(Exception):
    """The report is locked (submitted, approved, month closed) or not the user's to change."""


VALUE_FIELDS = ("value", "note", "source")
PROGRESS_FIELDS = (
    "work_done", "problems", "next_steps", "self_status", "needs_coordination", "coordination_matter",
)
NOTE_MAX = 2000
SOURCE_MAX = 200
TEXT_MAX = 5000
MATTER_MAX = 2000


def _jsonable(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def _changes(before, after, fields):
    return {
        field: [_jsonable(before.get(field)), _jsonable(after.get(field))]
        for field in fields
        if before.get(field) != after.get(field)
    }


def _locked_report(report):
    """The report re-read under a row lock, so checks and writes see the committed state."""
    return MonthlyReport.objects.select_for_update().select_related("plan", "unit").get(pk=report.pk)


def _require_editable(report, user):
    if not can_edit_report(user, report):
        raise NotEditable(_("该报送已锁定或无权修改。"))


def _require_staff(user):
    if not is_staff(user):
        raise PermissionDenied


def _save_with_history(obj, user, reason=""):
    obj._history_user = user
    if reason:
        obj._change_reason = reason
    obj.save()


def _bump_report(report, user, reason=""):
    report.version += 1
    _save_with_history(report, user, reason)


# Reports


def _create_or_update(existing, new_object, *, after, fields, user, request, expected_version,
                      conflict_message, before_save=None):
    """Save `after` onto `existing` (or a new object) unless someone saved since the user looked.

    `expected_version` is the version the user's form showed (0 or None: there was no row then).
    An unchanged save does nothing; every real change bumps the version, keeps a history row
    and an audit event with before and after.
    """
    if existing is None:
        if expected_version:
            raise EditConflict(conflict_message)
        obj = new_object()
        for field, new in after.items():
            setattr(obj, field, new)
        obj.updated_by = user
        _save_with_history(obj, user)
        record(AuditEvent.Action.CREATE, request=request, user=user, obj=obj, changes=_changes({}, after, fields))
        return obj
    if expected_version is not None and existing.version != expected_version:
        raise EditConflict(conflict_message)
    changes = _changes({field: getattr(existing, field) for field in fields}, after, fields)
    if not changes:
        return existing
    for field, new in after.items():
        setattr(existing, field, new)
    if before_save:
        before_save(existing)
    existing.version += 1
    existing.updated_by = user
    _save_with_history(existing, user)
    record(AuditEvent.Action.UPDATE, request=request, user=user, obj=existing, changes=changes)
    return existing


def _reset_closed_coordination(progress):
    if not progress.needs_coordination:
        progress.coordination_closed = False


def get_or_create_report(plan, unit, month):
    """The unit's report for `month` of `plan`, created as an empty draft when missing."""
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise ValueError(f"month must be 1–12, not {month!r}")
    if unit.is_group:
        raise ValueError("a group does not report; its members do")
    report, _created = MonthlyReport.objects.get_or_create(plan=plan, unit=unit, month=month)
    return report


# Values


def save_target_value(report, target, *, value, note="", source="", user, expected_version=None, request=None):
    """Create or update the unit's draft value of `target` in `report`.

    `value` is a Decimal or what the user typed (run through `clean_target_value`). Raises
    ValidationError (with field keys), NotEditable or EditConflict; nothing is saved then.
    """
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
    with transaction.atomic():
        report = _locked_report(report)
        _require_editable(report, user)
        if target.plan_id != report.plan_id or target.reporting_unit_id != report.unit_id:
            raise NotEditable(_("该指标不由本单位报送。"))
        existing = (
            TargetValue.objects.select_for_update()
            .filter(target=target, unit_id=report.unit_id, month=report.month)
            .first()
        )
        return _create_or_update(
            existing,
            lambda: TargetValue(target=target, unit_id=report.unit_id, report=report, month=report.month),
            after={"value": value, "note": note, "source": source},
            fields=VALUE_FIELDS,
            user=user,
            request=request,
            expected_version=expected_version,
            conflict_message=_("该数值已被他人修改，请刷新后重试。"),
            before_save=lambda obj: setattr(obj, "report", report),
        )


# Progress


def progress_problems_required(report, task, self_status):
    """存在问题 is required when the unit says it is behind, or when a value the unit reported
    this month, for a target of this task, falls behind the time progress (滞后 or 严重滞后)."""
    if self_status == ProgressReport.SelfStatus.BEHIND:
        return True
    values = list(
        TargetValue.objects.filter(
            report=report, target__tasks=task, target__reporting_unit_id=report.unit_id
        ).select_related("target")
    )
    # A stock without a year-start figure is judged by its trend: it needs the approved months before.
    earlier = {}
    for target_id, month, value in (
        TargetValue.objects.approved()
        .filter(target__in=[v.target_id for v in values], unit_id=report.unit_id, month__lt=report.month)
        .values_list("target_id", "month", "value")
    ):
        earlier.setdefault(target_id, {})[month] = value
    behind = (Status.BEHIND, Status.SERIOUSLY_BEHIND)
    return any(status_for(v.target, v.value, report.month, earlier.get(v.target_id)) in behind for v in values)


def clean_progress(report, task, data):
    """The cleaned progress fields of `data`, or ValidationError({field: [messages]})."""
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
    elif not cleaned["problems"] and progress_problems_required(report, task, cleaned["self_status"]):
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
    user, expected_version=None, request=None,
):
    """Create or update the unit's progress on `task` in `report` (same rules as save_target_value)."""
    data = {
        "work_done": work_done, "problems": problems, "next_steps": next_steps, "self_status": self_status,
        "needs_coordination": needs_coordination, "coordination_matter": coordination_matter,
    }
    with transaction.atomic():
        report = _locked_report(report)
        _require_editable(report, user)
        if not tasks_for_unit(report.plan, report.unit).filter(pk=task.pk).exists():
            raise NotEditable(_("该任务不由本单位报送。"))
        after = clean_progress(report, task, data)
        existing = ProgressReport.objects.select_for_update().filter(report=report, task=task).first()
        return _create_or_update(
            existing,
            lambda: ProgressReport(report=report, task=task),
            after=after,
            fields=PROGRESS_FIELDS,
            user=user,
            request=request,
            expected_version=expected_version,
            conflict_message=_("该任务进展已被他人修改，请刷新后重试。"),
            before_save=_reset_closed_coordination,
        )


# Workflow


def missing_items(report):
    """(targets without a value, tasks without progress) of the report, in plan order."""
    targets = list(targets_for_unit(report.plan, report.unit, report.month))
    tasks = list(tasks_for_unit(report.plan, report.unit))
    valued = set(report.values.values_list("target_id", flat=True))
    progressed = set(report.progress.values_list("task_id", flat=True))
    return [t for t in targets if t.pk not in valued], [t for t in tasks if t.pk not in progressed]


def _refresh(original, saved):
    """Give the caller's instance the state just saved (the services work on a locked copy)."""
    if original is not saved:
        original.refresh_from_db()
    return saved


def submit_report(report, user, request=None):
    """Submit a draft or returned report for review; it is locked until returned or reopened.

    Refused (ValidationError) while a target has no value or a task has no progress.
    """
    original = report
    with transaction.atomic():
        report = _locked_report(report)
        if report.status not in (MonthlyReport.Status.DRAFT, MonthlyReport.Status.RETURNED):
            raise NotEditable(_("该报送已报送或已审核。"))
        _require_editable(report, user)
        targets, tasks = missing_items(report)
        if targets or tasks:
            parts = []
            if targets:
                parts.append(_("未填报指标：%(items)s") % {"items": "、".join(t.name for t in targets)})
            if tasks:
                parts.append(_("未填报任务进展：%(items)s") % {"items": "、".join(f"{t.number}. {t.title}" for t in tasks)})
            raise ValidationError("；".join(parts))
        now = timezone.now()
        before = report.status
        report.status = MonthlyReport.Status.SUBMITTED
        report.submitted_at = now
        report.submitted_by = user
        report.is_late = is_late(report.plan, report.month, now)
        _bump_report(report, user, _("报送"))
        record(
            AuditEvent.Action.SUBMIT, request=request, user=user, obj=report,
            changes={"status": [before, report.status], "is_late": [None, report.is_late]},
        )
    return _refresh(original, report)


def approve_reports(reports, user, request=None):
    """Approve submitted reports, all or none: NotEditable if one of them is not waiting for review."""
    _require_staff(user)
    ids = [r.pk for r in reports]
    with transaction.atomic():
        locked = list(
            MonthlyReport.objects.select_for_update().select_related("plan", "unit").filter(pk__in=ids).order_by("pk")
        )
        if len(locked) != len(set(ids)):
            raise NotEditable(_("所选报送不存在。"))
        waiting = [r for r in locked if r.status != MonthlyReport.Status.SUBMITTED]
        if waiting:
            raise NotEditable(
                _("以下报送不在待审核状态，未作任何审核：%(items)s") % {"items": "、".join(str(r) for r in waiting)}
            )
        now = timezone.now()
        for report in locked:
            report.status = MonthlyReport.Status.APPROVED
            report.reviewed_at = now
            report.reviewed_by = user
            report.return_reason = ""
            report.reopen_reason = ""
            _bump_report(report, user, _("审核通过"))
            record(
                AuditEvent.Action.APPROVE, request=request, user=user, obj=report,
                changes={"status": [MonthlyReport.Status.SUBMITTED, MonthlyReport.Status.APPROVED]},
            )
        # The approved data changed: what follows it (the stored standings) runs in this transaction.
        by_plan = {}
        for report in locked:
            by_plan.setdefault(report.plan, set()).add(report.unit_id)
        for plan, unit_ids in by_plan.items():
            approved_data_changed.send(sender=MonthlyReport, plan=plan, unit_ids=unit_ids)
    for report in reports:
        if isinstance(report, MonthlyReport):
            report.refresh_from_db()
    return locked


def _notify_returned(report, reason, reopened=False):
    report_returned.send(sender=MonthlyReport, report=report, reason=reason, reopened=reopened)


def _clean_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写原因。")]})
    if len(reason) > 2000:
        raise ValidationError({"reason": [_("原因不能超过 2000 字。")]})
    return reason


def return_report(report, user, reason, request=None):
    """Return a submitted report to its unit with a reason; the submitter is told by email."""
    _require_staff(user)
    reason = _clean_reason(reason)
    original = report
    with transaction.atomic():
        report = _locked_report(report)
        if report.status != MonthlyReport.Status.SUBMITTED:
            raise NotEditable(_("只能退回待审核的报送。"))
        report.status = MonthlyReport.Status.RETURNED
        report.return_reason = reason
        report.reopen_reason = ""
        report.reviewed_at = timezone.now()
        report.reviewed_by = user
        _bump_report(report, user, _("退回"))
        record(
            AuditEvent.Action.RETURN, request=request, user=user, obj=report,
            changes={"status": [MonthlyReport.Status.SUBMITTED, report.status], "return_reason": [None, reason]},
        )
        _notify_returned(report, reason)
    return _refresh(original, report)


def reopen_report(report, user, reason, request=None):
    """Unlock an approved report with a reason; the unit edits it and submits it again."""
    _require_staff(user)
    reason = _clean_reason(reason)
    original = report
    with transaction.atomic():
        report = _locked_report(report)
        if report.status != MonthlyReport.Status.APPROVED:
            raise NotEditable(_("只能重新打开已审核的报送。"))
        report.status = MonthlyReport.Status.RETURNED
        report.reopen_reason = reason
        report.return_reason = ""
        _bump_report(report, user, _("重新打开"))
        approved_data_changed.send(sender=MonthlyReport, plan=report.plan, unit_ids=[report.unit_id])
        record(
            AuditEvent.Action.REOPEN, request=request, user=user, obj=report,
            changes={"status": [MonthlyReport.Status.APPROVED, report.status], "reopen_reason": [None, reason]},
        )
        _notify_returned(report, reason, reopened=True)
    return _refresh(original, report)


def restore_version(obj, history_id, user, request=None):
    """Make an earlier version of a TargetValue or ProgressReport current again, as a new version."""
    _require_staff(user)
    if isinstance(obj, TargetValue):
        fields = VALUE_FIELDS
    elif isinstance(obj, ProgressReport):
        fields = PROGRESS_FIELDS
    else:
        raise TypeError("only values and progress reports have versions to restore")
    model = type(obj)
    with transaction.atomic():
        report = _locked_report(obj.report)
        _require_editable(report, user)
        current = model.objects.select_for_update().get(pk=obj.pk)
        try:
            old = current.history.get(history_id=history_id)
        except current.history.model.DoesNotExist:
            raise ValidationError(_("历史版本不存在。")) from None
        before = {field: getattr(current, field) for field in fields}
        after = {field: getattr(old, field) for field in fields}
        changes = _changes(before, after, fields)
        if not changes:
            return current
        for field, value in after.items():
            setattr(current, field, value)
        current.version += 1
        current.updated_by = user
        _save_with_history(current, user, _("恢复至第 %(n)s 版") % {"n": old.version})
        record(
            AuditEvent.Action.RESTORE, request=request, user=user, obj=current,
            changes={**changes, "restored_version": [None, old.version]},
        )
        return current


def close_month(plan, month, user, request=None):
    """Close a reporting month: nobody may enter or change its figures until it is opened again."""
    _require_staff(user)
    if not 1 <= month <= 12:
        raise ValueError(month)
    with transaction.atomic():
        closure, created = ReportingMonthClosure.objects.get_or_create(
            plan=plan, month=month, defaults={"closed_by": user}
        )
        if created:
            record(
                AuditEvent.Action.UPDATE, request=request, user=user, obj=closure,
                object_repr=f"{plan.year}年{month}月", changes={"month_closed": [False, True]},
            )
        return closure


def open_month(plan, month, user, request=None):
    _require_staff(user)
    with transaction.atomic():
        closures = ReportingMonthClosure.objects.filter(plan=plan, month=month)
        for closure in closures:
            record(
                AuditEvent.Action.UPDATE, request=request, user=user, obj=closure,
                object_repr=f"{plan.year}年{month}月", changes={"month_closed": [True, False]},
            )
        closures.delete()

