"""Reminders and periodic reports: who gets which email, on which date, about which period.

The plan's rhythm 每周通报信息、每月调度进展、每季市级协调 as six kinds of email:

=================  =====================================  ==========================================
kind               sent (then the next working day)       to
=================  =====================================  ==========================================
weekly             the Monday after the week              leaders and bureau staff
monthly-notice     the 1st                                the liaisons of every reporting unit
monthly-reminder   two days before the due date (then     liaisons of units that have not submitted
                   the previous working day, never
                   before the notice)
monthly-overdue    the day after the due date             those units' liaisons, and bureau staff
                                                          (one copy with the list)
monthly-summary    the 10th                               leaders
quarterly          the day after a quarter ends           leaders and bureau staff, with the
                                                          quarter's coordination workbook
=================  =====================================  ==========================================

Periods are written ``2023-W20`` (ISO week, weekly), ``2023-05`` (the reporting month, monthly
kinds) and ``2023Q2`` (quarterly). A monthly period is the month reported on, so the notice of
1 June, the reminder of 2 June (the 3rd is a Saturday) and the overdue notice of 6 June are
all ``2023-05``.

"Not submitted" means no report, a draft, or a report returned and not yet resubmitted.
A unit's liaisons are its active liaison accounts with an email address; a unit without one
falls back to the unit's own mailbox (Unit.email), and a unit with neither gets nothing (the
preview page shows it).

Every date — the due date (moved to the next working day), each send date, the working days
of China's official calendar with its 调休 make-up days — comes from tasks/calendar.py; no
message is dated on a non-working day. reports/reminders/calendar.py names the periods and
picks the one each daily beat run sends (beat runs every kind daily; see CELERY_BEAT_SCHEDULE).

Who gets each kind is in reports/reminders/recipients.py, what its email says in content.py; this module
records and sends the messages and is the one to import from.

Exactly once: every message is a ReminderMessage row, unique per (kind, period, recipient),
created before anything is sent. A sender first claims the row with an optimistic-lock update
(pending → sending); only the one whose update changed the row sends it, then marks it sent or
records the error. A retry puts the row back to pending; a sent row is never sent again.
"""

import datetime
import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from reports.models import ReminderMessage
from reports.reminders.calendar import (  # noqa: F401  (the calendar is part of this module's API)
    CATCH_UP_DAYS,
    DELIVERED_KINDS,
    MONTHLY_KINDS,
    PERIODIC_KINDS,
    NoPlanError,
    Period,
    PeriodError,
    default_period,
    first_working_day_after,
    is_working_day,
    month_period,
    overdue_date,
    parse_period,
    plan_for,
    quarter_period,
    quarterly_send_date,
    reminder_date,
    scheduled_period,
    send_date,
    week_period,
)
from reports.reminders.content import (  # noqa: F401  (what each email says is part of this module's API)
    Composer,
    compose,
    compose_returned,
    context_for,
    overdue_units,
    quarterly_attachment,
    status_changes,
    template_for,
)
from reports.reminders.recipients import (  # noqa: F401  (who gets what is part of this module's API)
    NOT_SUBMITTED,
    Recipient,
    bureau_staff,
    leaders,
    leaders_and_staff,
    liaisons_of,
    recipients_for,
    reports_by_unit,
    units_not_submitted,
    units_without_address,
)
from reports.supervision.messages import compose_notice
from tasks.reporting import reporting_units  # noqa: F401

logger = logging.getLogger(__name__)

Kind = ReminderMessage.Kind



# Recording and sending ----------------------------------------------------------------------


def prepare(kind, period, recipients=None):
    """Record a pending message for every recipient of `kind` for `period` not already recorded.

    Returns the rows this call created. Safe to run twice or concurrently: the unique
    (kind, period, recipient) constraint lets only one row exist, whoever creates it.
    `recipients` defaults to recipients_for(kind, period).
    """
    if recipients is None:
        recipients = recipients_for(kind, period, plan_for(kind, period))
    new_rows = _unrecorded(kind, period, recipients)
    if not new_rows:
        return []
    if connection.features.can_return_rows_from_bulk_insert:  # the rows need their ids to be queued
        try:
            with transaction.atomic():
                return ReminderMessage.objects.bulk_create(new_rows)  # one INSERT, not one per recipient
        except IntegrityError:  # another process recorded some of them since our look-up
            pass
    return _record_one_by_one(kind, period, new_rows)


def _unrecorded(kind, period, recipients):
    """Unsaved rows for the recipients without one yet, in the recipients' order.

    One row per address, the first recipient's, as get_or_create one by one used to give.
    """
    recorded = set(
        ReminderMessage.objects.filter(kind=kind, period=period.code).values_list("recipient", flat=True)
    )
    rows = []
    for recipient in recipients:
        if recipient.email not in recorded:
            recorded.add(recipient.email)
            rows.append(
                ReminderMessage(
                    kind=kind, period=period.code, recipient=recipient.email, user=recipient.user, unit=recipient.unit
                )
            )
    return rows


def _record_one_by_one(kind, period, new_rows):
    """prepare() racing another process: each row in its own transaction, keeping what this call made."""
    created_rows = []
    for new in new_rows:
        try:
            with transaction.atomic():
                row, created = ReminderMessage.objects.get_or_create(
                    kind=kind,
                    period=period.code,
                    recipient=new.recipient,
                    defaults={"user": new.user, "unit": new.unit},
                )
        except IntegrityError:  # another process created it between our look-up and insert
            continue
        if created:
            created_rows.append(row)
    return created_rows


def claim(message_id):
    """Pending → sending, for exactly one caller: the optimistic lock every sender goes through."""
    return (
        ReminderMessage.objects.filter(
            pk=message_id, status=ReminderMessage.Status.PENDING, kind__in=DELIVERED_KINDS
        ).update(
            status=ReminderMessage.Status.SENDING, attempts=F("attempts") + 1, last_attempt_at=timezone.now()
        )
        == 1
    )


class TransientDeliveryError(Exception):
    """The mail server could not take the message now; worth trying again later."""


def _is_transient(error):
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code < 500 for code, _msg in error.recipients.values())
    return isinstance(error, (smtplib.SMTPException, OSError))


def recipient_of(row):
    name = ""
    if row.user_id:
        name = row.user.get_full_name() or row.user.username
    elif row.unit_id:
        name = row.unit.name
    return Recipient(row.recipient, name, user=row.user, unit=row.unit)


def deliver(message_id, final_attempt=True):
    """Send one recorded message if this call can claim it. True when it was sent by this call.

    On a failure the error is recorded: the row goes back to pending for a retry, or to failed
    on the final attempt (or when the failure is not one a retry can cure). A transient failure
    is re-raised as TransientDeliveryError, any other error as itself.
    """
    if not claim(message_id):
        return False
    row = ReminderMessage.objects.select_related("user", "unit").get(pk=message_id)
    return _send_claimed(row, None, final_attempt)


def _deliver_loaded(row, composer, final_attempt=True):
    """deliver() for a row read beforehand (run_now reads them all at once): the same claim."""
    if not claim(row.pk):  # another sender has it
        return False
    row.attempts += 1  # what the claim did in the database, for the log
    return _send_claimed(row, composer, final_attempt)


def _send_claimed(row, composer, final_attempt):
    """Compose and send a row this process has claimed, then record the outcome in one update.

    `composer` renders the row's kind and period (run_now shares one across its messages);
    None renders this one message through compose(). The subject goes in the update that
    records the outcome rather than in one of its own before the send.
    """
    subject = None
    try:
        if row.kind == Kind.RETURNED:
            email = compose_returned(row)
        elif row.kind == Kind.URGING_NOTICE:
            email = compose_notice(row)
        elif composer is None:  # one message: through this module's compose(), the seam tests patch
            email = compose(row.kind, parse_period(row.kind, row.period), recipient_of(row))
        else:
            email = composer.compose(recipient_of(row))
        subject = email.subject[:300]
        email.send(fail_silently=False)
    except Exception as error:
        if _record_failure(row, error, subject, final_attempt):
            raise TransientDeliveryError(str(error)) from error
        raise
    ReminderMessage.objects.filter(pk=row.pk).update(
        status=ReminderMessage.Status.SENT, sent_at=timezone.now(), error="", subject=subject
    )
    return True


def _record_failure(row, error, subject, final_attempt):
    """Back to pending for a retry, or failed. True when a retry may cure the error."""
    transient = _is_transient(error)
    status = ReminderMessage.Status.PENDING if transient and not final_attempt else ReminderMessage.Status.FAILED
    fields = {"status": status, "error": f"{type(error).__name__}: {error}"[:2000]}
    if subject is not None:  # rendered before the send failed: shown in the list like a sent one's
        fields["subject"] = subject
    ReminderMessage.objects.filter(pk=row.pk, status=ReminderMessage.Status.SENDING).update(**fields)
    logger.warning("reminder %s to %s failed (attempt %s): %s", row.pk, row.recipient, row.attempts, error)
    return transient


def reopen_for_resend(message_id):
    """A failed message, or one stuck "sending" (see stale_sending), back to pending.

    A sent message stays sent. Returns True when the row is (now) pending.
    """
    resendable = Q(status=ReminderMessage.Status.FAILED) | stale_sending()
    ReminderMessage.objects.filter(resendable, pk=message_id, kind__in=DELIVERED_KINDS).update(
        status=ReminderMessage.Status.PENDING
    )
    return ReminderMessage.objects.filter(pk=message_id, status=ReminderMessage.Status.PENDING).exists()


def stale_sending():
    """Messages claimed so long ago (REMINDER_STALE_SENDING_SECONDS, longer than a task may run)
    that the worker sending them must have died before it could record the outcome."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.REMINDER_STALE_SENDING_SECONDS)
    return Q(status=ReminderMessage.Status.SENDING, last_attempt_at__lt=cutoff)


def reclaim_stale_sending():
    """Messages a dead worker left "sending", back to pending for the sweep to queue again; their ids.

    The claim stays the one lock: the update re-checks that each row is still a stale claim, and the
    queued delivery claims it again, so a message is sent once. No send outlives the hard time limit,
    which is shorter than the staleness (settings), so a live send is never reclaimed.
    """
    ids = list(
        ReminderMessage.objects.filter(stale_sending(), kind__in=DELIVERED_KINDS).values_list("pk", flat=True)
    )
    if ids:
        ReminderMessage.objects.filter(stale_sending(), pk__in=ids).update(status=ReminderMessage.Status.PENDING)
    return ids


def pending_ids(kind, period):
    return list(
        ReminderMessage.objects.filter(kind=kind, period=period.code, status=ReminderMessage.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def stale_pending_ids(older_than_minutes=None):
    """Pending messages nobody has touched for a while: recorded while the broker was down,
    or whose queued delivery was lost. Waiting retries are younger than this."""
    minutes = older_than_minutes if older_than_minutes is not None else settings.REMINDER_SWEEP_AFTER_MINUTES
    cutoff = timezone.now() - datetime.timedelta(minutes=minutes)
    untouched = Q(last_attempt_at__lt=cutoff) | Q(last_attempt_at__isnull=True, created__lt=cutoff)
    return list(
        ReminderMessage.objects.filter(untouched, status=ReminderMessage.Status.PENDING, kind__in=DELIVERED_KINDS)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@dataclass
class RunResult:
    """What one synchronous run did (the management command)."""

    period: Period
    recipients: list = field(default_factory=list)
    created: int = 0
    sent: int = 0
    failed: list = field(default_factory=list)


def run_now(kind, period, dry_run=False, retry_failed=False):
    """Record and send `kind` for `period` in this process, as the command does.

    Each message is claimed and marked exactly as deliver() does it, one by one; what they
    share (the rows, the plan, each unit's tasks and targets) is loaded once for the run.
    """
    result = RunResult(period=period)
    plan = plan_for(kind, period)
    result.recipients = recipients_for(kind, period, plan)
    if dry_run:
        return result
    result.created = len(prepare(kind, period, result.recipients))
    if retry_failed:
        _reopen_failed(kind, period)
    rows = list(
        ReminderMessage.objects.filter(kind=kind, period=period.code, status=ReminderMessage.Status.PENDING)
        .select_related("user", "unit")
        .order_by("pk")
    )
    composer = Composer(kind, period, plan)
    composer.preload_units({row.unit_id: row.unit for row in rows if row.unit_id}.values())
    for row in rows:
        try:
            if _deliver_loaded(row, composer):
                result.sent += 1
        except Exception as error:  # recorded on the row; report it and go on with the others
            result.failed.append((ReminderMessage.objects.get(pk=row.pk), error))
    return result


def _reopen_failed(kind, period):
    """--retry-failed: every failed message of the run back to pending, as reopen_for_resend does one."""
    ReminderMessage.objects.filter(
        kind=kind, period=period.code, status=ReminderMessage.Status.FAILED, kind__in=DELIVERED_KINDS
    ).update(status=ReminderMessage.Status.PENDING)
