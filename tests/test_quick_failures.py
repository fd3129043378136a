"""Quick failures instead of slow or wrong ones: a disallowed Host header is a 400, gunicorn
believes proxy headers only behind the declared proxy, and queuing mail with the broker down
returns at once (the messages stay pending for the sweep)."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import time_machine
from django.conf import settings
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from reports.models import ReminderMessage
from reports.tasks import deliver_reminder, sweep_pending_reminders
from tests.personas import PersonasTestCase
from wuhan_plan.celery import app

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


class DisallowedHostTests(PersonasTestCase):
    def test_a_host_not_allowed_is_a_bad_request(self):
        for path in ("/", reverse("login"), reverse("reporting:my_unit")):
            with self.subTest(path=path):
                response = self.client.get(path, HTTP_HOST="evil.example.com")
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "请求无效", status_code=400)

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_it_is_a_bad_request_in_production_too(self):
        # SecurityMiddleware asks for the host first when it redirects to https.
        self.client.force_login(self.staff)
        response = self.client.post(reverse("reporting:approve"), HTTP_HOST="evil.example.com")
        self.assertEqual(response.status_code, 400)


class GunicornForwardedHeadersTests(SimpleTestCase):
    """gunicorn.conf.py, as `.venv/bin/gunicorn wuhan_plan.wsgi` run from the project reads it."""

    def forwarded_allow_ips(self, **environment):
        env = {k: v for k, v in os.environ.items() if k not in ("BEHIND_HTTPS_PROXY", "FORWARDED_ALLOW_IPS")}
        env.update(WUHAN_PLAN_TESTING="1", DEBUG="0", **environment)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        result = subprocess.run(
            [str(gunicorn), "--print-config", "wuhan_plan.wsgi:application"],
            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
        )
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        return re.search(r"^forwarded_allow_ips\s*=\s*(.*)$", result.stdout, re.MULTILINE).group(1)

    def test_no_proxy_declared_no_forwarded_header_believed(self):
        self.assertEqual(self.forwarded_allow_ips(), "[]")
        self.assertEqual(self.forwarded_allow_ips(BEHIND_HTTPS_PROXY="0"), "[]")

    def test_behind_the_proxy_the_loopback_or_the_named_proxy(self):
        self.assertEqual(self.forwarded_allow_ips(BEHIND_HTTPS_PROXY="1"), "['127.0.0.1', '::1']")
        self.assertEqual(self.forwarded_allow_ips(BEHIND_HTTPS_PROXY="1", FORWARDED_ALLOW_IPS="10.0.0.5"),
                         "['10.0.0.5']")


class BrokerDownTests(PersonasTestCase):
    """"Send now" with the broker unreachable: the real publish, against a port nobody listens on."""

    def test_send_now_returns_at_once_and_the_sweep_queues_the_messages_later(self):
        publish = deliver_reminder.apply_async
        calls = []

        def publish_to_unreachable_broker(*args, **kwargs):
            calls.append(kwargs)
            with app.connection_for_write(UNREACHABLE_BROKER) as connection:
                return publish(*args, connection=connection, **kwargs)

        self.client.force_login(self.staff)
        # kombu sleeps between connection retries (2 s, 4 s …): the publish must not retry at all.
        with mock.patch.object(deliver_reminder, "apply_async", side_effect=publish_to_unreachable_broker), \
                mock.patch("kombu.utils.functional.sleep") as sleep:
            response = self.client.post(reverse("reminders:send"),
                                        {"kind": "monthly-notice", "period": "2023-05"}, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "消息队列暂时不可用：2 封邮件已记录为“待发送”，队列恢复后将自动发送。")
        sleep.assert_not_called()
        self.assertEqual(len(calls), 1)  # the first failure ends the batch: one attempt, not one per message
        self.assertIs(calls[0]["retry"], False)
        rows = ReminderMessage.objects.filter(kind="monthly-notice", period="2023-05")
        self.assertEqual(sorted(rows.values_list("status", flat=True)), ["pending", "pending"])

        later = timezone.now() + datetime.timedelta(minutes=settings.REMINDER_SWEEP_AFTER_MINUTES + 1)
        with time_machine.travel(later, tick=False), mock.patch.object(deliver_reminder, "apply_async") as queued:
            self.assertEqual(sweep_pending_reminders.apply().get(), 2)
        self.assertEqual(sorted(c.kwargs["args"][0] for c in queued.call_args_list),
                         sorted(rows.values_list("pk", flat=True)))

    def test_the_publishing_connection_is_bounded(self):
        connection = app.connection_for_write(UNREACHABLE_BROKER)
        self.assertLessEqual(connection.connect_timeout, 2)
        self.assertEqual(connection.transport_options["max_retries"], 0)
        self.assertLessEqual(connection.transport_options["socket_connect_timeout"], 2)
