"""The bureau's corrections: an earlier version made current again, a reporting month closed or opened."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from reporting.services.common import changed_fields, locked_report, require_editable, require_staff, save_with_history
from reporting.services.entries import PROGRESS_FIELDS, VALUE_FIELDS
from targets.models import TargetValue
from tasks.models import ProgressReport, ReportingMonthClosure


def restore_version(obj, history_id, user):
    """Make an earlier version of a TargetValue or ProgressReport current again, as a new version."""
    require_staff(user)
    if isinstance(obj, TargetValue):
        fields = VALUE_FIELDS
    elif isinstance(obj, ProgressReport):
        fields = PROGRESS_FIELDS
    else:
        raise TypeError("only values and progress reports have versions to restore")
    model = type(obj)
    with transaction.atomic():
        report = locked_report(obj.report)
        require_editable(report, user)
        current = model.objects.select_for_update().get(pk=obj.pk)
        try:
            old = current.history.get(history_id=history_id)
        except current.history.model.DoesNotExist:
            raise ValidationError(_("历史版本不存在。")) from None
        before = {field: getattr(current, field) for field in fields}
        after = {field: getattr(old, field) for field in fields}
        changes = changed_fields(before, after, fields)
        if not changes:
            return current
        for field, value in after.items():
            setattr(current, field, value)
        current.version += 1
        current.updated_by = user
        save_with_history(current, user, _("恢复至第 %(n)s 版") % {"n": old.version})
        return current


def close_month(plan, month, user):
    """Close a reporting month: nobody may enter or change its figures until it is opened again."""
    require_staff(user)
    if not 1 <= month <= 12:
        raise ValueError(month)
    existing = ReportingMonthClosure.objects.filter(plan=plan, month=month).first()
    if existing:
        return existing
    closure = ReportingMonthClosure(plan=plan, month=month, closed_by=user)
    try:
        with transaction.atomic():
            save_with_history(closure, user, _("关闭报送月份"))
    except IntegrityError:  # closed by someone else a moment ago
        return ReportingMonthClosure.objects.get(plan=plan, month=month)
    return closure


def open_month(plan, month, user):
    """Open a closed reporting month again."""
    require_staff(user)
    with transaction.atomic():
        for closure in ReportingMonthClosure.objects.select_for_update().filter(plan=plan, month=month):
            closure._history_user = user  # the deletion's history row names who opened the month
            closure._change_reason = _("重新开放报送月份")
            closure.delete()
