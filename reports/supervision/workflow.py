"""The one write path of urging notices: issue (with its number), escalate, sign for, reply, close.

Each step re-reads the notice under a row lock, refuses a stale version (EditConflict) or a step
its status does not allow (StepRefused), bumps `version` and saves a history row with the user and
the step as its reason. Who may take a step is the caller's check (reports/supervision/access.py).
Issuing records the notice's messages in the same transaction; the caller queues them once it commits.
"""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.services import EditConflict
from reporting.services.common import save_with_history
from reports.models import UrgingNotice
from reports.steps import StepRefused
from reports.supervision.messages import record_messages
from tasks.models import Plan

Status = UrgingNotice.Status

__all__ = ["EditConflict", "StepRefused", "close", "escalate", "issue", "reply", "sign_for"]


def _same_subject(kind, unit, plan, month, target):
    if target is not None:
        return {"kind": kind, "unit": unit, "target": target}
    return {"kind": kind, "unit": unit, "plan": plan, "month": month, "target__isnull": True}


def issue(plan, kind, unit, cause, *, issued_on, deadline, request, month=None, target=None, escalated_from=None,
          user=None):
    """(notice, created, message ids recorded): the one notice of `kind` to `unit` about `month` or
    `target`. An existing one is returned as it is, with no new message: the ladder may run any
    number of times.
    """
    lookup = _same_subject(kind, unit, plan, month, target)
    existing = UrgingNotice.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False, []
    try:
        with transaction.atomic():
            Plan.objects.select_for_update().get(pk=plan.pk)  # one numbering at a time per plan
            last = UrgingNotice.objects.filter(plan=plan, kind=kind).aggregate(last=Max("serial"))["last"] or 0
            notice = UrgingNotice(
                plan=plan, kind=kind, serial=last + 1, cause=cause, unit=unit, month=month, target=target,
                escalated_from=escalated_from, request=request, issued_on=issued_on, deadline=deadline,
            )
            save_with_history(notice, user, _("印发"))
            return notice, True, record_messages(notice)
    except IntegrityError:  # issued by a concurrent run a moment ago
        return UrgingNotice.objects.get(**lookup), False, []


def _locked(notice, expected_version):
    current = UrgingNotice.objects.select_for_update().select_related("plan", "unit").get(pk=notice.pk)
    if expected_version is not None and current.version != expected_version:
        raise EditConflict(_("该通知已被他人修改，请刷新页面后重试。"))
    return current


def _save_step(current, user, reason):
    current.version += 1
    save_with_history(current, user, reason)
    return current


def _require(current, statuses):
    if current.status not in statuses:
        raise StepRefused(_("该通知当前为“%(status)s”，不能进行此操作。") % {"status": current.get_status_display()})


def sign_for(notice, user, expected_version=None):
    with transaction.atomic():
        current = _locked(notice, expected_version)
        _require(current, [Status.PENDING])
        current.status, current.signed_at, current.signed_by = Status.SIGNED, timezone.now(), user
        return _save_step(current, user, _("签收"))


def reply(notice, user, text, promised_on, expected_version=None):
    with transaction.atomic():
        current = _locked(notice, expected_version)
        _require(current, [Status.SIGNED, Status.REPLIED])
        current.status, current.reply, current.promised_on = Status.REPLIED, text, promised_on
        current.replied_at, current.replied_by = timezone.now(), user
        return _save_step(current, user, _("回复办理情况"))


def close(notice, user, note, expected_version=None):
    with transaction.atomic():
        current = _locked(notice, expected_version)
        _require(current, UrgingNotice.OPEN_STATUSES)
        current.status, current.closing_note = Status.CLOSED, note
        current.closed_at, current.closed_by = timezone.now(), user
        return _save_step(current, user, _("办结"))


def escalate(notice, user, *, issued_on, deadline, request, expected_version=None):
    """An open 催办单 becomes 已升级 and a 督办单 about the same month or target is issued:
    (the 督办单, created, its message ids), as issue() returns them."""
    with transaction.atomic():
        current = _locked(notice, expected_version)
        _require(current, UrgingNotice.OPEN_STATUSES)
        if current.kind != UrgingNotice.Kind.URGE:
            raise StepRefused(_("只有催办单可以升级为督办单。"))
        current.status = Status.ESCALATED
        _save_step(current, user, _("升级为督办单"))
        return issue(
            current.plan, UrgingNotice.Kind.SUPERVISE, current.unit, current.cause, issued_on=issued_on,
            deadline=deadline, request=request, month=current.month, target=current.target,
            escalated_from=current, user=user,
        )
