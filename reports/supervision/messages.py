"""The email of an urging notice: who gets it and what it says.

Each recipient's message is a ReminderMessage of kind "urging-notice" whose period names the notice
(``notice-12``), so the reminders' delivery sends it exactly once (reports/reminders/delivery.py).
A 催办单 goes to the unit's liaisons (or its mailbox); a 督办单 is also copied to the bureau's leaders
and to the unit's own leader contact (Unit.leader_name / leader_email) when it has one. A copy's
message has no unit (the unit's are the ones addressed to it); the unit leader's has no user either
and is known by its address.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from reports.emails import build_email
from reports.models import ReminderMessage, UrgingNotice
from reports.reminders.recipients import Recipient, greeting_name, leaders, liaisons_of

PERIOD_PREFIX = "notice-"


def period_of(notice):
    return f"{PERIOD_PREFIX}{notice.pk}"


def notice_of(row):
    return UrgingNotice.objects.select_related("plan", "unit", "target").get(
        pk=int(row.period.removeprefix(PERIOD_PREFIX))
    )


def unit_leader_of(notice):
    """The unit's leader contact as a recipient of the copy, or None when the unit has none."""
    unit = notice.unit
    return Recipient(unit.leader_email, unit.leader_name) if unit.leader_email else None


def recipients_of(notice):
    recipients = liaisons_of([notice.unit])
    if notice.kind == UrgingNotice.Kind.SUPERVISE:
        recipients += leaders()
        unit_leader = unit_leader_of(notice)
        if unit_leader is not None:
            recipients.append(unit_leader)
    return recipients


def is_unit_leader(row, notice):
    unit_leader = unit_leader_of(notice)
    return row.user_id is None and row.unit_id is None and unit_leader is not None and (
        row.recipient.lower() == unit_leader.email.lower())


@dataclass(frozen=True)
class Copy:
    """Someone a notice was copied to, as its page lists them (the address and status for staff)."""

    name: str
    role: str
    email: str
    status: str


def copies_of(notice):
    """The people a notice's email was copied to (its messages not addressed to the unit), in order
    of recording: the bureau's leaders, then the unit's leader contact."""
    rows = (
        ReminderMessage.objects.filter(kind=ReminderMessage.Kind.URGING_NOTICE, period=period_of(notice),
                                       unit__isnull=True)
        .select_related("user").order_by("pk")
    )
    copies = []
    for row in rows:
        if row.user_id is not None:
            name, role = row.user.get_full_name() or row.user.get_username(), _("领导")
        elif is_unit_leader(row, notice):
            name, role = notice.unit.leader_name, _("单位分管领导")
        else:  # a leader's account deleted, or the unit's leader contact changed since: the address alone
            name, role = "", ""
        copies.append(Copy(name, role, row.recipient, row.get_status_display()))
    return copies


def record_messages(notice):
    """A pending message per recipient not yet recorded; the ids of those this call recorded."""
    created_ids = []
    seen = set()
    for recipient in recipients_of(notice):
        if recipient.email in seen:
            continue
        seen.add(recipient.email)
        try:
            with transaction.atomic():
                row, created = ReminderMessage.objects.get_or_create(
                    kind=ReminderMessage.Kind.URGING_NOTICE, period=period_of(notice), recipient=recipient.email,
                    defaults={"user": recipient.user, "unit": recipient.unit},
                )
        except IntegrityError:  # recorded by a concurrent run a moment ago
            continue
        if created:
            created_ids.append(row.pk)
    return created_ids


def compose_notice(row):
    """The EmailMultiAlternatives of a recorded notice message."""
    notice = notice_of(row)
    recipient = Recipient(row.recipient, row.unit.name if row.unit_id else "", user=row.user, unit=row.unit)
    if is_unit_leader(row, notice):
        greeting = f"{notice.unit.leader_name or row.recipient}（{notice.unit.name}）"
    else:
        greeting = greeting_name(recipient)
    context = {
        "notice": notice, "unit": notice.unit, "greeting": greeting,
        "copy_to_leader": row.unit_id is None, "path": reverse("supervision:detail", args=[notice.pk]),
    }
    return build_email("urging-notice", context, [row.recipient])
