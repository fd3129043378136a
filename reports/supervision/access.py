"""Who may act on an urging notice (the pages ask here; reading is UrgingNotice.objects.for_user)."""

from units.access import editable_unit_ids, is_staff


def answers_for_unit(user, notice):
    """The unit's own liaison signs for a notice and replies to it."""
    return notice.unit_id in editable_unit_ids(user)


def can_sign(user, notice):
    return notice.status == notice.Status.PENDING and answers_for_unit(user, notice)


def can_reply(user, notice):
    return notice.status in (notice.Status.SIGNED, notice.Status.REPLIED) and answers_for_unit(user, notice)


def can_close(user, notice):
    return notice.is_open and is_staff(user)


def can_escalate(user, notice):
    return notice.is_open and notice.kind == notice.Kind.URGE and is_staff(user)
