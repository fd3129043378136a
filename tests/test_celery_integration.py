"""End to end: a real Celery worker with beat, on the real Redis, delivering to a real SMTP server.

The worker runs as a subprocess (`celery -A wuhan_plan worker --beat`), so it must see the test's
data: this is a TransactionTestCase (committed rows), on the PostgreSQL test database when the
tests run on PostgreSQL, else on a SQLite file made for the test (the usual in-memory test
database is invisible to other processes). Beat uses the database scheduler, as in production;
the test adds a periodic task every two seconds and waits — with a time limit — for the weekly
bulletin to be recorded and delivered, once per recipient however often beat fires.

Redis: TEST_REDIS_URL (CI sets it), else redis://127.0.0.1:6379/14. Without Redis the test is
skipped locally and fails under CI=true.
"""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import TransactionTestCase

from reports.models import ReminderMessage
from tests.reminders_support import smtp_server, text_of
from units.accounts import create_account
from units.models import Membership, Unit

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
WAIT_SECONDS = 90
SHUTDOWN_SECONDS = 20


def redis_is_reachable(url):
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError:
        return False


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


@pytest.mark.integration
class CeleryWorkerAndBeatTests(TransactionTestCase):
    def setUp(self):
        if not redis_is_reachable(TEST_REDIS_URL):
            message = f"Redis is not reachable at {TEST_REDIS_URL}: the real-worker test needs it"
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

    def start_worker(self, smtp_port, bulletin=True, **extra_env):
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
             "--concurrency=1", "--purge", "--without-gossip", "--without-mingle", "--without-heartbeat",
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
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if condition():
                return
            if worker.poll() is not None:
                self.fail(f"the worker exited ({worker.returncode}) before {what}:\n{self.worker_log()}")
            time.sleep(0.5)
        self.fail(f"no {what} within {WAIT_SECONDS} s:\n{self.worker_log()}")

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
        self.assertEqual(leader["Subject"].strip(), "【每周通报】科技创新工作要点调度情况 2023年第20周（5月15日至5月21日）")
        self.assertIn("李主任：", text_of(leader))
        self.assertIn("现将2023年武汉市科技创新工作要点2023年第20周（5月15日至5月21日）的调度情况通报如下。", text_of(leader))

    def beat_runs(self):
        """Fan-out runs the worker has finished (beat syncs its run count to the database only
        every few minutes, so count them in the worker's log)."""
        log = self.log_path.read_text(errors="replace")
        return len(re.findall(r"send_weekly_bulletin\[[0-9a-f-]+\] succeeded", log))


def cache_url_beside(broker_url):
    """The broker's Redis, another database number: the dashboards' cache the worker shares."""
    base, _, db = broker_url.rpartition("/")
    return f"{base}/{13 if db != '13' else 12}"


@pytest.mark.integration
class DashboardWarmupWorkerTests(CeleryWorkerAndBeatTests):
    """An approval in the web process makes the real worker refill the shared cache (targets/warm.py)."""

    test_it_runs_the_periodic_bulletin_end_to_end_exactly_once = None

    def test_it_refills_the_overview_in_the_shared_cache_after_an_approval(self):
        from unittest import mock

        from django.test import Client, override_settings

        from targets.cache import data_state
        from targets.models import Target
        from targets.tasks import warm_dashboard_cache
        from tasks.models import MonthlyReport, Plan
        from tasks.services import approve_reports
        from tests import dashboard_seed
        from units.models import Membership
        from wuhan_plan.celery import app

        cache_url = cache_url_beside(TEST_REDIS_URL)
        cache_redis = redis.Redis.from_url(cache_url)
        cache_redis.flushdb()
        plan = Plan.objects.get(code="2023")
        kjj = Unit.objects.get(code="kjj")
        staff = Membership.objects.get(role=Membership.Role.STAFF).user
        leader = Membership.objects.get(role=Membership.Role.LEADER).user
        report = dashboard_seed.report(plan, kjj, 1, status=MonthlyReport.Status.SUBMITTED)
        target = Target.objects.get(plan=plan, code="T08")
        dashboard_seed.value(report, target, 9800)
        client = Client()
        client.force_login(leader)
        caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}}
        queue = warm_dashboard_cache.apply_async
        with smtp_server() as (port, _server), override_settings(CACHES=caches), \
                app.connection_for_write(TEST_REDIS_URL) as broker, \
                mock.patch.object(warm_dashboard_cache, "apply_async",
                                  lambda *args, **kwargs: queue(*args, connection=broker, **kwargs)):
            worker = self.start_worker(port, bulletin=False, CACHE_URL=cache_url)
            # It purges its queue as it starts: queue the warm-up only once it is listening.
            self.wait_for(lambda: " ready." in self.log_path.read_text(errors="replace"), worker, "worker ready")
            self.assertNotContains(client.get("/"), "截至1月底")  # nothing approved yet
            approve_reports([report], staff)  # autocommit: the warm-up is queued at once
            version = data_state(plan).version
            pattern = f"*dash:v1:{plan.pk}:{version}:zh-hans:overview:*"
            self.wait_for(lambda: cache_redis.keys(pattern) and cache_redis.keys(f"*:{version}:en:overview:*"),
                          worker, "the overview cached by the worker in both languages")
            with self.assertNumQueries(8):  # session, user, membership … the data version: a hit
                response = client.get("/")
        self.assertContains(response, "截至1月底")
        self.assertContains(response, "9,800")
        self.assertIn("warm_dashboard_cache", self.worker_log())
