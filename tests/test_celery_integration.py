"""End to end: a real Celery worker with beat, on the real Redis, delivering to a real SMTP server.

The worker runs as a subprocess (`celery -A wuhan_plan worker --beat`), so it must see the test's
data: this is a TransactionTestCase (committed rows), on the PostgreSQL test database when the
tests run on PostgreSQL, else on a SQLite file made for the test (the usual in-memory test
database is invisible to other processes). Beat uses the database scheduler, as in production;
the test adds a periodic task every two seconds and waits — with a time limit — for the weekly
bulletin to be recorded and delivered, once per recipient however often beat fires.

Redis: the one database the tests may use, TEST_REDIS_URL (else a Redis CELERY_BROKER_URL; .ci/run
sets both, tests/redis_support.py). Without it the test is skipped locally and fails under CI=true.
"""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import TransactionTestCase, override_settings

from reports.models import ReminderMessage
from tests.redis_support import configured_redis_url, unavailable_reason
from tests.reminders_support import smtp_server, text_of
from units.accounts import create_account
from units.models import Membership, Unit
from wuhan_plan.celery import app

TEST_REDIS_URL = configured_redis_url()
WAIT_SECONDS = 90
SHUTDOWN_SECONDS = 20


def database_url(settings_dict):
    """A DATABASE_URL for the worker that points at the database this test uses."""
    name = settings_dict["NAME"]
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{name}"
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{quote(name, safe='')}"


@contextmanager
def this_process_on_the_test_broker():
    """/healthz in this process asks the broker and the workers the worker subprocess uses.

    .ci/run sets CELERY_BROKER_URL to TEST_REDIS_URL, so there is nothing to change; run with
    TEST_REDIS_URL alone, the settings (and the Celery app, which read them at its first use)
    still name the default broker, and the app's connection pool is made again for the test one."""
    if settings.CELERY_BROKER_URL == TEST_REDIS_URL:
        yield
        return
    options = {"socket_connect_timeout": 1, "socket_timeout": 2}
    saved = {"broker_url": app.conf.broker_url, "broker_transport_options": app.conf.broker_transport_options}
    app.conf.update(broker_url=TEST_REDIS_URL, broker_transport_options=options)
    try:
        with override_settings(CELERY_BROKER_URL=TEST_REDIS_URL, CELERY_BROKER_TRANSPORT_OPTIONS=options), \
                mock.patch.object(app, "_pool", None):
            try:
                yield
            finally:
                if app._pool is not None:
                    app._pool.force_close_all()
    finally:
        app.conf.update(saved)


@pytest.mark.integration
class CeleryWorkerAndBeatTests(TransactionTestCase):
    def setUp(self):
        reason = unavailable_reason(TEST_REDIS_URL)
        if reason:
            message = f"{reason}: the real-worker test needs it"
            if os.environ.get("CI") == "true":
                self.fail(message + " (CI must run this test)")
            self.skipTest(message)
        self.workdir = Path(tempfile.mkdtemp(prefix="wuhan-celery-"))
        self.use_a_database_the_worker_can_see()
        call_command("loaddata", "plan_2023", verbosity=0)
        kjj = Unit.objects.get(code="kjj")
        create_account("staff", Membership.Role.STAFF, kjj, email="staff@example.gov.cn", full_name="张科员")
        create_account("leader", Membership.Role.LEADER, None, email="leader@example.gov.cn", full_name="李主任")

    def use_a_database_the_worker_can_see(self):
        original = connections["default"]
        if original.vendor != "sqlite":
            self.database_url = database_url(original.settings_dict)
            return
        file_settings = {**original.settings_dict, "NAME": str(self.workdir / "worker.sqlite3")}
        file_connection = original.__class__(file_settings, "default")
        connections["default"] = file_connection

        def restore():
            file_connection.close()
            connections["default"] = original

        self.addCleanup(restore)
        call_command("migrate", verbosity=0, interactive=False)
        self.database_url = database_url(file_settings)

    def start_worker(self, smtp_port, bulletin=True, purge=True, **extra_env):
        from django_celery_beat.models import IntervalSchedule, PeriodicTask

        if bulletin:
            every_two_seconds, _created = IntervalSchedule.objects.get_or_create(
                every=2, period=IntervalSchedule.SECONDS
            )
            PeriodicTask.objects.create(
                name="integration-test-weekly-bulletin",
                task="reports.tasks.send_weekly_bulletin",
                interval=every_two_seconds,
                kwargs='{"period": "2023-W20"}',
            )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "wuhan_plan.settings",
            "WUHAN_PLAN_TESTING": "1",
            "DEBUG": "0",
            "VAR_DIR": str(self.workdir / "var"),
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": TEST_REDIS_URL,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "false",
            "EMAIL_TIMEOUT": "5",
            "REMINDER_RETRY_BASE_SECONDS": "1",
            **extra_env,
        }
        self.log_path = self.workdir / "worker.log"
        log = open(self.log_path, "wb")
        self.addCleanup(log.close)
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "wuhan_plan", "worker", "--beat", "--loglevel=INFO",
             "--concurrency=1", *(["--purge"] if purge else []),
             "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--hostname", f"integration-{os.getpid()}@127.0.0.1",
             "--schedule", str(self.workdir / "celerybeat-schedule")],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the pool and beat children end with it
        )
        self.addCleanup(self.stop_worker, worker)
        return worker

    def stop_worker(self, worker):
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=SHUTDOWN_SECONDS)
            except subprocess.TimeoutExpired:
                pass
        try:  # whatever is left of the group (a pool child or beat), and the worker if it hung
            os.killpg(worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        worker.wait(timeout=SHUTDOWN_SECONDS)

    def worker_log(self):
        return self.log_path.read_text(errors="replace")[-4000:]

    def wait_for(self, condition, worker, what):
        """Wait (bounded) for `condition`; `what` names it, or is called to describe the state at failure."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if condition():
                return
            if worker.poll() is not None:
                self.fail(f"the worker exited ({worker.returncode}) before {self.described(what)}:\n{self.worker_log()}")
            time.sleep(0.5)
        self.fail(f"no {self.described(what)} within {WAIT_SECONDS} s:\n{self.worker_log()}")

    @staticmethod
    def described(what):
        return what() if callable(what) else what

    def test_it_runs_the_periodic_bulletin_end_to_end_exactly_once(self):
        with smtp_server() as (port, server):
            worker = self.start_worker(port)
            rows = ReminderMessage.objects.filter(kind="weekly", period="2023-W20")
            self.wait_for(lambda: rows.filter(status="sent").count() == 2 and len(server.envelopes) == 2,
                          worker, "weekly bulletin delivered to both recipients")
            # Beat keeps firing every two seconds: nothing more is recorded or sent.
            self.assertGreaterEqual(self.beat_runs(), 1)
            fired_again = self.beat_runs() + 2
            self.wait_for(lambda: self.beat_runs() >= fired_again, worker, "two more beat runs")
            time.sleep(1)
            self.assertEqual(len(server.envelopes), 2, self.worker_log())
            messages = server.messages()
        self.assertEqual(sorted(rows.values_list("recipient", "status", "attempts")),
                         [("leader@example.gov.cn", "sent", 1), ("staff@example.gov.cn", "sent", 1)])
        self.assertTrue(all(rows.values_list("sent_at", flat=True)))
        self.assertEqual(sorted(m["To"] for m in messages), ["leader@example.gov.cn", "staff@example.gov.cn"])
        leader = next(m for m in messages if m["To"] == "leader@example.gov.cn")
        self.assertEqual(
            leader["Subject"].strip(), "【每周通报】科技创新工作要点调度情况 2023年第20周（5月15日至5月21日）"
        )
        self.assertIn("李主任：", text_of(leader))
        self.assertIn(
            "现将《2023年武汉市科技创新工作要点》第20周（5月15日至5月21日）的调度情况通报如下。", text_of(leader)
        )

    def beat_runs(self):
        """Fan-out runs the worker has finished (beat syncs its run count to the database only
        every few minutes, so count them in the worker's log)."""
        log = self.log_path.read_text(errors="replace")
        return len(re.findall(r"send_weekly_bulletin\[[0-9a-f-]+\] succeeded", log))

    def healthz(self):
        response = self.client.get("/healthz")
        return response.status_code, response.json()

    def test_healthz_answers_200_while_the_real_worker_runs_and_503_naming_it_once_stopped(self):
        down = (503, {"status": "error", "checks": {"database": "ok", "broker": "ok", "worker": "error"}})
        up = (200, {"status": "ok", "checks": {"database": "ok", "broker": "ok", "worker": "ok"}})
        with this_process_on_the_test_broker(), smtp_server() as (port, _server):
            # Before: no worker answers on this Redis database (else the 200 below would prove nothing).
            self.assertEqual(self.healthz(), down, "another worker answers on TEST_REDIS_URL")
            worker = self.start_worker(port, bulletin=False)
            self.wait_for(lambda: self.healthz()[0] == 200, worker, "/healthz answering 200")
            self.assertEqual(self.healthz(), up)
            self.stop_worker(worker)
            self.assertEqual(self.healthz(), down)
