"""Helpers of the reminder tests: a real SMTP server on the loopback, Shanghai time, report data."""

import asyncio
import datetime
import email
import socket
import threading
from contextlib import contextmanager
from email import policy
from unittest import mock
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller

from reports.tasks import deliver_reminder
from tasks.models import MonthlyReport

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=9, minute=0):
    """An aware datetime in Shanghai (for time_machine and report timestamps)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """Keeps every message; answers 451 (try again later) to the first `fail_first` ones.

    `rcpt_delay` seconds before accepting each recipient make a batch slow enough to kill a worker
    in the middle of it: a client that dies then has sent no message, as with a real server."""

    def __init__(self, fail_first=0, rcpt_delay=0):
        self.fail_first = fail_first
        self.rcpt_delay = rcpt_delay
        self.attempts = 0
        self.envelopes = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.attempts += 1
            if self.attempts <= self.fail_first:
                return "451 4.3.0 Mailbox temporarily unavailable, try again later"
            self.envelopes.append(envelope)
        return "250 2.0.0 Message accepted for delivery"

    def messages(self):
        """The received messages, parsed (modern policy: decoded headers and bodies)."""
        return [email.message_from_bytes(e.original_content, policy=policy.default) for e in self.envelopes]


@contextmanager
def smtp_server(fail_first=0, rcpt_delay=0):
    """An aiosmtpd server on 127.0.0.1 for the block; yields (port, handler)."""
    handler = RecordingHandler(fail_first, rcpt_delay)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()


def smtp_settings(port):
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
        "EMAIL_USE_TLS": False,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_TIMEOUT": 5,
    }


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content()


def report(plan, unit, month, status, submitted_at=None, reviewed_at=None, is_late=False):
    return MonthlyReport.objects.create(
        plan=plan, unit=unit, month=month, status=status, submitted_at=submitted_at, reviewed_at=reviewed_at,
        is_late=is_late,
    )


@contextmanager
def deliveries_run_here():
    """Queued deliveries run in this process at once (Task.apply), as a worker would run them."""

    def run(args=None, **kwargs):
        return deliver_reminder.apply(args=args)

    with mock.patch.object(deliver_reminder, "apply_async", side_effect=run):
        yield
