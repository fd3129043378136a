"""/healthz: database, broker and worker, for monitoring."""

import json
import socket
from unittest import mock

from django.test import TestCase, override_settings

from wuhan_plan.celery import app


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the socket is


class HealthzTests(TestCase):
    def test_it_answers_200_when_all_is_well(self):
        with mock.patch.object(app.control, "ping", return_value=[{"celery@host": {"ok": "pong"}}]) as ping:
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok", "checks": {"database": "ok", "broker": "ok", "worker": "ok"}})
        self.assertLessEqual(ping.call_args.kwargs["timeout"], 1)

    def test_it_answers_503_when_no_worker_answers(self):
        with mock.patch.object(app.control, "ping", return_value=[]):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["checks"], {"database": "ok", "broker": "ok", "worker": "error"})

    def test_it_answers_503_without_secrets_when_the_broker_is_unreachable(self):
        url = f"redis://:s3cret-broker-pw@127.0.0.1:{closed_port()}/0"
        with override_settings(CELERY_BROKER_URL=url, CELERY_BROKER_TRANSPORT_OPTIONS={}), \
                mock.patch.object(app.control, "ping", side_effect=AssertionError("not asked")):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        body = response.content.decode()
        self.assertEqual(json.loads(body)["checks"], {"database": "ok", "broker": "error", "worker": "error"})
        for secret in ["s3cret", "redis://", "127.0.0.1"]:
            self.assertNotIn(secret, body)

    def test_it_answers_503_when_the_database_fails(self):
        with mock.patch("wuhan_plan.health._check_database", side_effect=Exception("password=hunter2")), \
                mock.patch.object(app.control, "ping", return_value=[{"w": {"ok": "pong"}}]):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["checks"]["database"], "error")
        self.assertNotIn("hunter2", response.content.decode())

    def test_it_needs_no_login_and_refuses_post(self):
        with mock.patch.object(app.control, "ping", return_value=[]):
            self.assertEqual(self.client.post("/healthz").status_code, 405)
            self.assertEqual(self.client.get("/healthz")["Content-Type"], "application/json")
