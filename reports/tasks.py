"""Celery tasks for the reminders: short, the rules live in reports/reminders/delivery.py.

Beat calls one fan-out task per kind (see CELERY_BEAT_SCHEDULE). It works out the period due
today, records a pending message per recipient and queues one `deliver_reminder` per message.
"""

import logging

from celery import shared_task
from django.conf import settings
from kombu.exceptions import OperationalError

from reports.models import ReminderMessage
from reports.reminders import delivery as reminders
from reports.supervision import ladder
from tasks.reporting import local_today

logger = logging.getLogger(__name__)
Kind = ReminderMessage.Kind
MAX_RETRY_DELAY_SECONDS = 600


def retry_delay(retries):
    """Back-off between SMTP attempts: base, 2×base, 4×base … at most ten minutes."""
    return min(settings.REMINDER_RETRY_BASE_SECONDS * 2**retries, MAX_RETRY_DELAY_SECONDS)


def enqueue_delivery(message_ids):
    """Queue one delivery per message; (queued, not_queued) counts.

    A broker that is down does not raise here: the messages stay pending and the sweep
    (or the next run) delivers them once the broker is back.
    """
    queued = 0
    message_ids = list(message_ids)
    for position, message_id in enumerate(message_ids):
        try:
            deliver_reminder.apply_async(args=[message_id], retry=False)
        except OperationalError as error:
            logger.warning("broker unavailable, %s reminders left pending: %s", len(message_ids) - position, error)
            return queued, len(message_ids) - position
        queued += 1
    return queued, 0


def fan_out(kind, period_code=None):
    """Record the messages of `kind` for a period and queue their delivery.

    Without a period, the one the schedule sends today, if any: every kind runs daily and
    sends only inside its window, on working days (reminders.scheduled_period).
    """
    if period_code:
        period = reminders.parse_period(kind, period_code)
    else:
        period = reminders.scheduled_period(kind, local_today())
        if period is None:
            return {"kind": kind, "period": None, "created": 0}
    try:
        created = reminders.prepare(kind, period)
    except reminders.NoPlanError:
        logger.info("no plan for %s %s, nothing to send", kind, period)
        return {"kind": kind, "period": period.code, "created": 0}
    enqueue_delivery(row.pk for row in created)
    return {"kind": kind, "period": period.code, "created": len(created)}


@shared_task
def send_weekly_bulletin(period=None):
    return fan_out(Kind.WEEKLY, period)


@shared_task
def send_monthly_notice(period=None):
    return fan_out(Kind.MONTHLY_NOTICE, period)


@shared_task
def send_monthly_reminder(period=None):
    return fan_out(Kind.MONTHLY_REMINDER, period)


@shared_task
def send_monthly_overdue(period=None):
    return fan_out(Kind.MONTHLY_OVERDUE, period)


@shared_task
def send_monthly_summary(period=None):
    return fan_out(Kind.MONTHLY_SUMMARY, period)


@shared_task
def send_quarterly_report(period=None):
    return fan_out(Kind.QUARTERLY, period)


FAN_OUT_TASKS = {
    Kind.WEEKLY: send_weekly_bulletin,
    Kind.MONTHLY_NOTICE: send_monthly_notice,
    Kind.MONTHLY_REMINDER: send_monthly_reminder,
    Kind.MONTHLY_OVERDUE: send_monthly_overdue,
    Kind.MONTHLY_SUMMARY: send_monthly_summary,
    Kind.QUARTERLY: send_quarterly_report,
}


@shared_task
def issue_urging_notices():
    """The urging ladder's daily run (reports/supervision/ladder.py): issue the 催办单 and 督办单 due
    today, then queue their emails; a second run issues and queues nothing."""
    issued, message_ids = ladder.run(local_today())
    enqueue_delivery(message_ids)
    return {"issued": [notice.number for notice in issued], "messages": len(message_ids)}


@shared_task(bind=True, acks_late=True)
def deliver_reminder(self, message_id):
    """Send one recorded message; on an SMTP failure retry with back-off, then record it failed."""
    max_retries = settings.REMINDER_MAX_RETRIES
    final_attempt = self.request.retries >= max_retries
    try:
        return reminders.deliver(message_id, final_attempt=final_attempt)
    except reminders.TransientDeliveryError as error:
        if final_attempt:
            return False  # recorded as failed on the row; staff can send it again
        raise self.retry(exc=error, countdown=retry_delay(self.request.retries), max_retries=max_retries)


@shared_task
def sweep_pending_reminders():
    """Queue messages left pending (recorded while the broker was down, or their task lost) and
    those a worker died sending (stuck "sending"); each is still claimed once, so sent once."""
    reclaimed = reminders.reclaim_stale_sending()
    if reclaimed:
        logger.warning("%s reminder(s) left sending by a worker that died: queued again", len(reclaimed))
    queued, _not_queued = enqueue_delivery(sorted({*reminders.stale_pending_ids(), *reclaimed}))
    return queued
