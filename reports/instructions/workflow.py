"""The one write path of leaders' instructions: write (with its units), reply, close.

Each step re-reads its row under a row lock, refuses a stale version (EditConflict) or a step the
instruction's status does not allow (StepRefused), bumps `version` and saves a history row with the
user and the step as its reason. Who may take a step is the caller's check (access.py).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.services import EditConflict
from reporting.services.common import save_with_history
from reports.instructions.items import plan_of
from reports.models import InstructionAssignment, LeaderInstruction
from reports.steps import StepRefused  # the instruction is closed: no reply, no second close

Status = LeaderInstruction.Status

__all__ = ["EditConflict", "StepRefused", "close", "reply", "write"]


def write(leader, item_field, item, units, text, instructed_on, user):
    """A new instruction of `leader` on `item`, assigned to `units`; `user` is the leader or the
    member of staff recording it on the leader's behalf."""
    with transaction.atomic():
        instruction = LeaderInstruction(
            plan=plan_of(item_field, item), leader=leader, recorded_by=user, text=text,
            instructed_on=instructed_on, **{item_field: item},
        )
        save_with_history(instruction, user, _("批示"))
        for unit in units:
            save_with_history(InstructionAssignment(instruction=instruction, unit=unit), user, _("交办"))
        return instruction


def _locked_instruction(pk):
    return LeaderInstruction.objects.select_for_update().get(pk=pk)


def _require_open(current):
    if not current.is_open:
        raise StepRefused(_("该批示已办结，不能再进行此操作。"))


def reply(assignment, user, text, expected_version):
    """The unit's 办理情况 (its latest reply; each is a history row). The first reply of any unit
    makes the instruction 办理中."""
    with transaction.atomic():
        current = _locked_instruction(assignment.instruction_id)
        _require_open(current)
        answer = InstructionAssignment.objects.select_for_update().get(pk=assignment.pk)
        if answer.version != expected_version:
            raise EditConflict(_("该单位的办理情况已被他人修改，请刷新页面后重试。"))
        answer.reply, answer.replied_at, answer.replied_by = text, timezone.now(), user
        answer.version += 1
        save_with_history(answer, user, _("回复办理情况"))
        if current.status == Status.TODO:
            current.status = Status.IN_PROGRESS
            current.version += 1
            save_with_history(current, user, _("%(unit)s回复办理情况") % {"unit": answer.unit.name})
        return answer


def close(instruction, user, note, expected_version):
    with transaction.atomic():
        current = _locked_instruction(instruction.pk)
        if current.version != expected_version:
            raise EditConflict(_("该批示已被他人修改，请刷新页面后重试。"))
        _require_open(current)
        current.status, current.closing_note = Status.DONE, note
        current.closed_at, current.closed_by = timezone.now(), user
        current.version += 1
        save_with_history(current, user, _("办结"))
        return current
