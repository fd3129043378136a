"""/healthz, for monitoring: the database, the broker and a worker answer.

Here, beside the Celery app it pings, rather than among the account views: it belongs to the
deployment, not to any app."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from wuhan_plan.celery import app


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_broker():
    with Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=1,
        transport_options=getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
    ) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)


def _check_worker():
    replies = app.control.ping(timeout=1.0)
    if not replies:
        raise RuntimeError("no worker answered")


@never_cache
@require_GET
def healthz(request):
    """For monitoring: the database, the broker and a worker. Names and ok/error only — no
    addresses, passwords or exception text in the body."""
    checks = {}
    for name, check in (("database", _check_database), ("broker", _check_broker), ("worker", _check_worker)):
        if name == "worker" and checks.get("broker") != "ok":
            checks[name] = "error"
            continue
        try:
            check()
            checks[name] = "ok"
        except Exception:
            checks[name] = "error"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)
