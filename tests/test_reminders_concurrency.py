"""Two beat processes at the same moment: each message is recorded and sent once.

Real threads with their own database connections, committing for real (TransactionTestCase).
"""

import threading

from django.core import mail
from django.db import connection, connections
from django.test import TransactionTestCase

from reports.models import ReminderMessage
from reports.reminders import delivery as reminders
from tasks.models import Plan
from units.accounts import create_account
from units.models import Membership, Unit

Kind = ReminderMessage.Kind
RUNNERS = 4


class ConcurrentBeatTests(TransactionTestCase):
    fixtures = ["plan_2023"]

    def setUp(self):
        self.plan = Plan.objects.get(code="2023")
        self.units = list(Unit.objects.filter(code__in=["jxj", "hongshan", "kjj", "fgw", "jyj"]))
        for unit in self.units:
            create_account(f"{unit.code}_liaison", Membership.Role.LIAISON, unit, email=f"{unit.code}@example.gov.cn")
        self.period = reminders.parse_period(Kind.MONTHLY_NOTICE, "2023-05")

    def run_concurrently(self, job):
        barrier = threading.Barrier(RUNNERS, timeout=30)
        errors = []

        def runner():
            try:
                barrier.wait()
                job()
            except Exception as error:  # reported below: a thread's exception would be lost
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=runner) for _ in range(RUNNERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertFalse(any(t.is_alive() for t in threads), "a runner did not finish")
        return errors

    def test_it_sends_one_message_each_when_beats_run_at_once(self):
        if connection.vendor == "sqlite":
            self.skipTest("needs PostgreSQL: SQLite's shared in-memory test database locks whole tables")
        errors = self.run_concurrently(lambda: reminders.run_now(Kind.MONTHLY_NOTICE, self.period))
        self.assertEqual(errors, [])
        expected = sorted(f"{u.code}@example.gov.cn" for u in self.units)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), expected)
        rows = ReminderMessage.objects.filter(kind=Kind.MONTHLY_NOTICE, period="2023-05")
        self.assertEqual(sorted(rows.values_list("recipient", flat=True)), expected)
        self.assertEqual(set(rows.values_list("status", "attempts")), {("sent", 1)})

    def test_it_lets_one_of_many_concurrent_claims_win(self):
        row = reminders.prepare(Kind.MONTHLY_NOTICE, self.period)[0]
        wins = []
        lock = threading.Lock()

        def claim():
            won = reminders.claim(row.pk)
            with lock:
                wins.append(won)

        if connection.vendor == "sqlite":
            # One connection at a time on SQLite; the claims still race through the same update.
            for _ in range(RUNNERS):
                claim()
        else:
            self.assertEqual(self.run_concurrently(claim), [])
        self.assertEqual(sorted(wins), [False] * (RUNNERS - 1) + [True])
        row.refresh_from_db()
        self.assertEqual((row.status, row.attempts), ("sending", 1))
