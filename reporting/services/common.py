"""What every change of reported data shares: the two refusals, the row lock, the staff check and
the save that keeps a django-simple-history version with its user and reason."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from tasks.models import MonthlyReport
from tasks.reporting import can_edit_report
from units.access import is_staff


class EditConflict(Exception):
    """Someone else saved this row after the caller read it; nothing was changed."""


class NotEditable(Exception):
    """The report is locked (submitted, approved, month closed) or not the user's to change."""


def changed_fields(before, after, fields):
    """The fields whose value differs between two {field: value} dicts."""
    return [field for field in fields if before.get(field) != after.get(field)]


def locked_report(report):
    """The report re-read under a row lock, so checks and writes see the committed state."""
    return MonthlyReport.objects.select_for_update().select_related("plan", "unit").get(pk=report.pk)


def require_editable(report, user):
    if not can_edit_report(user, report):
        raise NotEditable(_("该报送已锁定或无权修改。"))


def require_staff(user):
    if not is_staff(user):
        raise PermissionDenied


def save_with_history(obj, user, reason=""):
    obj._history_user = user
    if reason:
        obj._change_reason = reason
    obj.save()


def bump_report(report, user, reason=""):
    report.version += 1
    save_with_history(report, user, reason)


def refresh(original, saved):
    """Give the caller's instance the state just saved (the services work on a locked copy)."""
    if original is not saved:
        original.refresh_from_db()
    return saved
