"""The review workflow of a monthly report: submit, approve, return, reopen. Each announces what changed
(tasks.signals) so that what must follow — the stored standings, the returned email — listens."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.services.common import NotEditable, bump_report, locked_report, refresh, require_editable, require_staff
from tasks.calendar import is_late
from tasks.models import MonthlyReport
from tasks.reporting import targets_for_unit, tasks_for_unit
from tasks.signals import approved_data_changed, report_returned


def missing_items(report):
    """(targets without a value, tasks without progress) of the report, in plan order."""
    targets = list(targets_for_unit(report.plan, report.unit, report.month))
    tasks = list(tasks_for_unit(report.plan, report.unit))
    valued = set(report.values.values_list("target_id", flat=True))
    progressed = set(report.progress.values_list("task_id", flat=True))
    return [t for t in targets if t.pk not in valued], [t for t in tasks if t.pk not in progressed]


def submit_report(report, user):
    """Submit a draft or returned report for review; it is locked until returned or reopened.

    Refused (ValidationError) while a target has no value or a task has no progress.
    """
    original = report
    with transaction.atomic():
        report = locked_report(report)
        if report.status not in (MonthlyReport.Status.DRAFT, MonthlyReport.Status.RETURNED):
            raise NotEditable(_("该报送已报送或已审核。"))
        require_editable(report, user)
        targets, tasks = missing_items(report)
        if targets or tasks:
            parts = []
            if targets:
                parts.append(_("未填报指标：%(items)s") % {"items": "、".join(t.name for t in targets)})
            if tasks:
                parts.append(_("未填报任务进展：%(items)s") % {"items": "、".join(f"{t.number}. {t.title}" for t in tasks)})
            raise ValidationError("；".join(parts))
        now = timezone.now()
        report.status = MonthlyReport.Status.SUBMITTED
        report.submitted_at = now
        report.submitted_by = user
        report.is_late = is_late(report.plan, report.month, now)
        bump_report(report, user, _("报送"))
    return refresh(original, report)


def approve_reports(reports, user):
    """Approve submitted reports, all or none: NotEditable if one of them is not waiting for review."""
    require_staff(user)
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
            bump_report(report, user, _("审核通过"))
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


def return_report(report, user, reason):
    """Return a submitted report to its unit with a reason; the submitter is told by email."""
    require_staff(user)
    reason = _clean_reason(reason)
    original = report
    with transaction.atomic():
        report = locked_report(report)
        if report.status != MonthlyReport.Status.SUBMITTED:
            raise NotEditable(_("只能退回待审核的报送。"))
        report.status = MonthlyReport.Status.RETURNED
        report.return_reason = reason
        report.reopen_reason = ""
        report.reviewed_at = timezone.now()
        report.reviewed_by = user
        bump_report(report, user, _("退回"))
        _notify_returned(report, reason)
    return refresh(original, report)


def reopen_report(report, user, reason):
    """Unlock an approved report with a reason; the unit edits it and submits it again."""
    require_staff(user)
    reason = _clean_reason(reason)
    original = report
    with transaction.atomic():
        report = locked_report(report)
        if report.status != MonthlyReport.Status.APPROVED:
            raise NotEditable(_("只能重新打开已审核的报送。"))
        report.status = MonthlyReport.Status.RETURNED
        report.reopen_reason = reason
        report.return_reason = ""
        bump_report(report, user, _("重新打开"))
        approved_data_changed.send(sender=MonthlyReport, plan=report.plan, unit_ids=[report.unit_id])
        _notify_returned(report, reason, reopened=True)
    return refresh(original, report)
