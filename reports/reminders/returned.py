"""The "returned" notice: when staff return or reopen a report, whoever submitted it is told by email.

It is a ReminderMessage like the periodic ones (kind "returned", its period the report and the
version the return made), recorded in the same transaction as the return and queued once that
commits, so it goes through the same delivery: claimed once, retried with back-off, swept when its
task is lost, listed at /reports/reminders/ and resent from there.
"""

from django.db import IntegrityError, transaction

from reports.models import ReminderMessage
from reports.reminders.content import returned_code
from reports.tasks import enqueue_delivery


def record_returned_notice(report):
    """The pending message for this return of `report`, or None when nobody can be told."""
    recipient = report.submitted_by
    if recipient is None or not recipient.email:
        return None
    try:
        with transaction.atomic():
            row, _created = ReminderMessage.objects.get_or_create(
                kind=ReminderMessage.Kind.RETURNED, period=returned_code(report), recipient=recipient.email,
                defaults={"user": recipient, "unit": report.unit},
            )
    except IntegrityError:  # recorded by a concurrent call a moment ago
        row = ReminderMessage.objects.get(
            kind=ReminderMessage.Kind.RETURNED, period=returned_code(report), recipient=recipient.email
        )
    return row


def on_report_returned(sender, report, reason, reopened=False, **kwargs):
    """tasks.signals.report_returned: record the notice now, queue it once the return commits."""
    row = record_returned_notice(report)
    if row is not None and row.status == ReminderMessage.Status.PENDING:
        transaction.on_commit(lambda: enqueue_delivery([row.pk]))
