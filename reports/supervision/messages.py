"""The email of an urging notice: who gets it and what it says.

Each recipient's message is a ReminderMessage of kind "urging-notice" whose period names the notice
(``notice-12``), so the reminders' delivery sends it exactly once (reports/reminders/delivery.py).
A 催办单 goes to the unit's liaisons (or its mailbox); a 督办单 also to the bureau's leaders (the
Unit model holds no leader contact of its own, so there is none to copy).
"""

from django.db import IntegrityError, transaction
from django.urls import reverse

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


def recipients_of(notice):
    recipients = liaisons_of([notice.unit])
    if notice.kind == UrgingNotice.Kind.SUPERVISE:
        recipients += leaders()
    return recipients


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
    context = {
        "notice": notice, "unit": notice.unit, "greeting": greeting_name(recipient),
        "copy_to_leader": row.unit_id is None, "path": reverse("supervision:detail", args=[notice.pk]),
    }
    return build_email("urging-notice", context, [row.recipient])
