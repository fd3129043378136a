"""Who may act on a leader's instruction (the pages ask here; reading is LeaderInstruction.objects.for_user)."""

from units.access import editable_unit_ids, is_leader, is_staff


def can_write(user):
    """A leader writes an instruction; staff record one on a leader's behalf."""
    return is_leader(user) or is_staff(user)


def assignment_of(user, assignments):
    """The assignment the user answers for (its own unit's), or None."""
    unit_ids = editable_unit_ids(user)
    return next((assignment for assignment in assignments if assignment.unit_id in unit_ids), None)


def can_reply(user, instruction, assignments):
    return instruction.is_open and assignment_of(user, assignments) is not None


def may_close(user, instruction):
    """Staff, or the leader who gave the instruction, close it."""
    return is_staff(user) or (is_leader(user) and user.pk == instruction.leader_id)


def can_close(user, instruction):
    return instruction.is_open and may_close(user, instruction)
