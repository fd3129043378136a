"""A worker that dies mid-send leaves nothing undelivered: the beat-scheduled sweep puts a message stuck
"sending" back and it is sent once. The end-to-end case kills a real worker with SIGKILL during a batch
to a real SMTP server, restarts it and waits (bounded) for every message to arrive exactly once."""

import datetime
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.conf import settings
from django.utils import timezone

from reports.models import ReminderMessage
from reports.reminders import delivery as reminders
from reports.tasks import sweep_pending_reminders
from tests import test_celery_integration as integration
from tests.personas import PersonasTestCase
from tests.reminders_support import deliveries_run_here, smtp_server, smtp_settings
from units.accounts import create_account
from units.models import Membership

Kind = ReminderMessage.Kind
BATCH = 12


class StaleSendingSweepTests(PersonasTestCase):
    def stuck(self, minutes_ago):
        period = reminders.parse_period(Kind.MONTHLY_SUMMARY, "2023-05")
        [row] = reminders.prepare(Kind.MONTHLY_SUMMARY, period)
        claimed_at = timezone.now() - datetime.timedelta(minutes=minutes_ago)
        ReminderMessage.objects.filter(pk=row.pk).update(status="sending", attempts=1, last_attempt_at=claimed_at)
        return row

    def test_it_sends_once_a_message_a_dead_worker_left_sending(self):
        row = self.stuck(minutes_ago=16)  # past REMINDER_STALE_SENDING_SECONDS (15 minutes)
        with smtp_server() as (port, server), self.settings(**smtp_settings(port)), deliveries_run_here():
            self.assertEqual(sweep_pending_reminders.apply().get(), 1)
            self.assertEqual(sweep_pending_reminders.apply().get(), 0)  # sent: nothing more to sweep
            self.assertEqual([envelope.rcpt_tos for envelope in server.envelopes], [["leader@example.gov.cn"]])
        row.refresh_from_db()
        self.assertEqual((row.status, row.attempts), ("sent", 2))

    def test_it_leaves_alone_a_message_a_live_worker_may_still_be_sending(self):
        row = self.stuck(minutes_ago=4)  # within the hard time limit of a task (5 minutes)
        with deliveries_run_here():
            self.assertEqual(sweep_pending_reminders.apply().get(), 0)
        row.refresh_from_db()
        self.assertEqual(row.status, "sending")

    def test_the_staleness_must_outlast_the_hard_time_limit(self):
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"],
            env={"DJANGO_SETTINGS_MODULE": "wuhan_plan.settings", "WUHAN_PLAN_TESTING": "1", "PATH": "/usr/bin:/bin",
                 "VAR_DIR": "/tmp/var_stale_setting", "CELERY_TASK_TIME_LIMIT": "300",
                 "REMINDER_STALE_SENDING_SECONDS": "300"},
            capture_output=True, text=True, cwd=settings.BASE_DIR,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("REMINDER_STALE_SENDING_SECONDS must be longer than CELERY_TASK_TIME_LIMIT", result.stderr)


@pytest.mark.integration
class KilledWorkerTests(integration.CeleryWorkerAndBeatTests):
    """Reuses the real-worker set-up of test_celery_integration (its own test is not run again here)."""

    test_it_runs_the_periodic_bulletin_end_to_end_exactly_once = None

    @staticmethod
    def statuses(rows):
        return dict(Counter(rows.values_list("status", flat=True)))

    def test_it_delivers_every_message_exactly_once_after_a_worker_is_killed_mid_batch(self):
        for index in range(BATCH - 2):  # with staff and leader from setUp: BATCH recipients of the bulletin
            name = f"leader{index:02d}"
            create_account(name, Membership.Role.LEADER, None, email=f"{name}@example.gov.cn")
        fast_recovery = {  # a task may run 3 s; a claim older than 4 s is a dead worker's; sweep every 2 s;
            # a task the dead worker had reserved but not started (a waiting retry) is back on the queue after 8 s
            "CELERY_TASK_SOFT_TIME_LIMIT": "2", "CELERY_TASK_TIME_LIMIT": "3",
            "REMINDER_STALE_SENDING_SECONDS": "4", "REMINDER_SWEEP_EVERY_SECONDS": "2",
            "CELERY_BROKER_VISIBILITY_TIMEOUT": "8", "CELERY_BROKER_RESTORE_INTERVAL_SECONDS": "1",
        }
        rows = ReminderMessage.objects.filter(kind=Kind.WEEKLY, period="2023-W20")
        with smtp_server(rcpt_delay=0.4) as (port, server):
            worker = self.start_worker(port, **fast_recovery)
            self.wait_for(lambda: len(server.envelopes) >= 3, worker, "the first messages of the batch")
            os.killpg(worker.pid, signal.SIGKILL)  # the worker, its pool child and beat, with no warning
            worker.wait(timeout=10)
            delivered_at_kill = len(server.envelopes)
            self.assertLess(delivered_at_kill, BATCH, "the batch ended before the kill; make it slower")
            self.assertTrue(rows.filter(status="sending").exists() or rows.filter(status="pending").exists())

            restarted = self.start_worker(port, bulletin=False, purge=False, **fast_recovery)
            started = time.monotonic()
            self.wait_for(lambda: rows.filter(status="sent").count() == BATCH, restarted,
                          lambda: f"every message sent (now {self.statuses(rows)})")
            recovered_in = time.monotonic() - started
            time.sleep(3)  # another sweep or two: nothing more goes out
            recipients = Counter(address for envelope in server.envelopes for address in envelope.rcpt_tos)
        self.assertEqual(len(recipients), BATCH, self.worker_log())
        self.assertEqual(set(recipients.values()), {1}, f"sent more than once: {recipients}")
        self.assertLess(recovered_in, 60)
