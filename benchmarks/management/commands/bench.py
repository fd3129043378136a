"""Server-side benchmark of every page and view, an approval's write path, the quarterly workbook
and a reminder fan-out.

Every page is requested through Django's test Client by a signed-in user of the right role, so
each request crosses the full middleware stack (sessions, CSRF, auth, OTP, CSP, axes, history …).
The yardstick is a FLOOR: a trivial view that renders a small template extending base.html, with
the same middleware, the same session and the same role check. Requests alternate with the floor
(floor, page A, floor, page B, …) and a page's figure is the median of its ratios to the floor
request just before it, so both meet the same machine load and the figures compare across machines.

Each page and view is measured twice:
- cold: the database connection closed first (a new PostgreSQL session: no catalogue cache, no
  prepared state — what every request meets in production, where CONN_MAX_AGE is 0), and a URL not
  requested before in this run (a `bench_cold` parameter no view reads), so nothing keyed by the
  URL could answer it. Pages keep no cache of their own: they read stored standings with SQL;
- warm: the same URL repeated on a kept connection.
The targets are on cold requests: REAL_LIMIT × the floor on the real plan, SCALE_LIMIT × on the
ten-year scale plan.

Datasets:
- real: the current real plan (Plan.current(), normally 2023 with `seed_demo --progress`);
- scale: the newest synthetic plan made by `generate_scale_data`. The pages show Plan.current(),
  so for this dataset the bench makes Plan.current() return the synthetic plan, inside this
  process only.

Closing the connection is impossible inside a transaction, so the bench's three accounts and their
sessions are committed (no login signal: no audit event) and deleted at the end; the page requests
write nothing else but their session. Everything that writes — the approval, the workbook, the
reminders, the 1-year comparison — runs in transactions that are rolled back. The floor URL exists
only in a urlconf built here; production urls are untouched.
"""

import contextlib
import itertools
import os
import statistics
import sys
import time
import types
import warnings
from unittest import mock

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.http import HttpResponse
from django.template import engines
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, include, path, reverse

from benchmarks.management.commands.generate_scale_data import SCALE_CODE_PREFIX, scale_plans
from benchmarks.parts import (
    BENCH_PREFIX,
    BenchPartsMixin,
    PageError,
    busiest_task,
    filtered_views,
    load_average,
    other_month,
)
from targets.asof import default_month
from targets.models import TargetValue
from tasks.models import MonthlyReport, Plan, ProgressReport
from units.access import require_role
from units.accounts import create_account
from units.models import Membership, Unit
from units.signals import SESSION_HAS_OTP_DEVICE

FLOOR_TEMPLATE = (
    '{% extends "base.html" %}{% load i18n %}'
    '{% block content %}<h1>{% translate "性能基准" %}</h1><p>{{ user.get_username }}</p>{% endblock %}'
)
REAL_LIMIT = 4  # × floor, cold, issue 14
SCALE_LIMIT = 6
COLD_PARAM = "bench_cold"
LABEL = 36  # width of the first column


@login_required
def floor_view(request):
    """The floor: what any page of this site costs before it does any work of its own."""
    require_role(request.user)
    template = engines["django"].from_string(FLOOR_TEMPLATE)
    return HttpResponse(template.render({}, request))


def bench_urlconf():
    """The real urls plus the floor, as a module object for override_settings(ROOT_URLCONF=...)."""
    module = types.ModuleType("wuhan_plan_bench_urls")
    module.urlpatterns = [
        path("__bench__/floor/", floor_view, name="bench_floor"),
        path("", include(settings.ROOT_URLCONF)),
    ]
    return module


def with_param(url, name, value):
    return f"{url}{'&' if '?' in url else '?'}{name}={value}"


class Command(BenchPartsMixin, BaseCommand):
    help = "Benchmarks every page and view (cold and warm) against a floor view, an approval, the workbook and reminders."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=10, help="timed cold and warm requests per page (default 10)")
        parser.add_argument(
            "--warmup", type=int, default=2, help="untimed requests per page before the warm ones (default 2)"
        )
        parser.add_argument(
            "--heavy-runs", type=int, default=5,
            help="timed runs of the approval, the workbook and the reminder fan-out (default 5)",
        )
        parser.add_argument("--dataset", choices=["real", "scale", "both"], default="both")
        parser.add_argument(
            "--no-years-check", action="store_true",
            help="skip the SQL-queries comparison between 1 year and 10 years of data",
        )
        parser.add_argument(
            "--strict", action="store_true", help="exit with status 2 when a target of issue 14 is missed"
        )

    def handle(self, *args, **options):
        self.runs = max(1, options["runs"])
        self.warmup = max(0, options["warmup"])
        self.heavy_runs = max(1, min(options["heavy_runs"], self.runs))
        self.misses = []
        self.errors = []
        self.cold_counter = itertools.count(1)
        # Inside a transaction (a test, a caller's atomic block) closing the connection would lose it.
        self.can_close = not connection.in_atomic_block
        real = Plan.current()
        scale = scale_plans().order_by("-year", "-pk").first()
        datasets = []
        if options["dataset"] in ("real", "both"):
            if real is None:
                raise CommandError("no real plan: run `python manage.py load_plan` (and `seed_demo --progress`) first")
            datasets.append(("real", real, REAL_LIMIT))
        if options["dataset"] in ("scale", "both"):
            if scale is None:
                if options["dataset"] == "scale":
                    raise CommandError("no synthetic plan: run `python manage.py generate_scale_data` first")
                self.stdout.write("No synthetic plans (run `python manage.py generate_scale_data`): scale dataset skipped.")
            else:
                datasets.append(("scale", scale, SCALE_LIMIT))

        self.print_machine()
        # WhiteNoise warns when collectstatic has not run; the bench requests no static file.
        warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
        # DEBUG off while timing: no query log, as in production. HTTPS requests (secure=True) so a
        # production SECURE_SSL_REDIRECT does not turn every page into a redirect.
        with override_settings(
            ROOT_URLCONF=bench_urlconf(),
            DEBUG=False,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ):
            self.personas, self.session_keys = self.make_personas()
            try:
                self.query_counts = {}
                for name, plan, limit in datasets:
                    self.query_counts[name] = self.bench_pages(name, plan, limit)
                    with self.rolled_back():
                        self.bench_writes(name, plan)
                if not options["no_years_check"] and scale is not None and datasets:
                    with self.rolled_back():
                        self.years_check(datasets)
            finally:
                self.remove_personas()
        self.print_summary()
        if self.errors:
            raise CommandError("; ".join(self.errors))
        if self.misses and options["strict"]:
            sys.exit(2)

    @contextlib.contextmanager
    def rolled_back(self):
        with transaction.atomic():
            try:
                yield
            finally:
                transaction.set_rollback(True)

    # --- setup ----------------------------------------------------------------------------

    def print_machine(self):
        import platform

        import django

        cpus = os.cpu_count()
        memory = ""
        with contextlib.suppress(OSError, ValueError, IndexError):
            with open("/proc/meminfo") as meminfo:
                kb = int(meminfo.readline().split()[1])
                memory = f", {kb / 1024 / 1024:.1f} GiB RAM"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW server_version")
                database = f"PostgreSQL {cursor.fetchone()[0]}"
            else:
                database = f"{connection.vendor} {connection.Database.sqlite_version}"
        self.stdout.write(
            f"Machine: {platform.node()}, {cpus} CPUs{memory}; Python {platform.python_version()}, "
            f"Django {django.get_version()}, {database}. Per page: {self.runs} cold + {self.runs} warm requests "
            f"(+{self.warmup} untimed), each after a floor request; approval, workbook and reminders: {self.heavy_runs}."
        )
        self.stdout.write(f"Load average at start: {load_average()}")
        if self.can_close:
            cold = "a new database connection and a URL not requested before (no page keeps a cache)"
        else:
            cold = "a URL not requested before; the connection is KEPT (the bench runs inside a transaction)"
        self.stdout.write(
            f"cold = {cold}; warm = the same URL repeated. × = median of the ratios to the floor request just "
            "before, the floor itself cold or warm alike."
        )

    def make_personas(self):
        """A leader, a staff member of 市科技局 and a 市经信局 liaison, committed for this run, each
        with a session made directly (a login would append an audit event for good)."""
        get_user_model().objects.filter(username__startswith=BENCH_PREFIX).delete()  # an interrupted run
        kjj = Unit.objects.filter(code="kjj").first()
        liaison_unit = Unit.objects.filter(code="jxj").first() or Unit.objects.exclude(kind=Unit.Kind.GROUP).first()
        personas = {
            "leader": create_account(f"{BENCH_PREFIX}leader", Membership.Role.LEADER),
            "staff": create_account(f"{BENCH_PREFIX}staff", Membership.Role.STAFF, kjj),
            "liaison": create_account(f"{BENCH_PREFIX}liaison", Membership.Role.LIAISON, liaison_unit),
        }
        keys = {}
        for role, user in personas.items():
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session[SESSION_HAS_OTP_DEVICE] = False
            session.create()
            keys[role] = session.session_key
        return personas, keys

    def remove_personas(self):
        Session.objects.filter(session_key__in=list(self.session_keys.values())).delete()
        get_user_model().objects.filter(username__startswith=BENCH_PREFIX).delete()

    def clients(self):
        clients = {}
        for role, key in self.session_keys.items():
            client = Client()
            client.cookies[settings.SESSION_COOKIE_NAME] = key
            clients[role] = client
        return clients

    def pages(self, plan):
        """(label, url, persona) of every page and view, resolved against `plan`."""
        target = plan.targets.order_by("position", "code").first()
        task = busiest_task(plan)
        overview, target_list = self.url("overview"), self.url("targets:list")
        filtered = [(label, path, "leader") for label, path in filtered_views(plan)]
        pages = [("overview /", overview, "leader"), filtered[0], ("target list", target_list, "leader"), *filtered[1:]]
        pages += [
            ("target detail", self.url("targets:detail", pk=target.pk if target else 0), "leader"),
            ("task list", self.url("tasks:list"), "leader"),
            ("task detail", self.url("tasks:detail", number=task.number) if task else None, "leader"),
            ("unit list", self.url("units:list"), "leader"),
            ("unit detail", self.url("units:detail", code="jxj"), "leader"),
            ("review queue", self.url("reporting:review"), "staff"),
            ("liaison home", self.url("reporting:my_unit"), "liaison"),
        ]
        return pages

    def url(self, name, **kwargs):
        try:
            return reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            return None

    @contextlib.contextmanager
    def as_current(self, plan):
        if plan.code.startswith(SCALE_CODE_PREFIX):
            # One query, as the real Plan.current(): the query counts compare across datasets.
            current = classmethod(lambda cls: Plan.objects.filter(pk=plan.pk).first())
            with mock.patch.object(Plan, "current", current):
                yield
        else:
            yield

    # --- measuring ------------------------------------------------------------------------

    def get(self, client, url):
        try:
            response = client.get(url, secure=True)
        except Exception as error:  # the test client re-raises what would be a 500
            raise PageError(f"{url} answered 500: {type(error).__name__}: {error}") from error
        if response.status_code != 200:
            where = f" → {response.get('Location')}" if response.status_code in (301, 302) else ""
            raise PageError(f"{url} answered {response.status_code}{where}")
        return response

    def timed_get(self, client, url, cold):
        """Milliseconds of one request; cold: on a new connection, at a URL never requested before."""
        if cold:
            if self.can_close:
                connection.close()
            url = with_param(url, COLD_PARAM, next(self.cold_counter))
        started = time.perf_counter()
        self.get(client, url)
        return (time.perf_counter() - started) * 1000

    def time_call(self, call, runs=None, warmup=0):
        """(median ms, max ms, queries of one more call) of `call`."""
        for _ in range(warmup):
            call()
        samples = []
        for _ in range(runs or self.heavy_runs):
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            call()
        return statistics.median(samples), max(samples), len(queries.captured_queries)

    def query_count(self, client, url):
        with CaptureQueriesContext(connection) as queries:
            self.get(client, url)
        return len(queries.captured_queries)

    def checked_pages(self, name, plan, clients):
        """The pages that answer 200 (one untimed request each); the others are reported as errors."""
        pages = []
        for label, url, role in self.pages(plan):
            if url is None:
                self.fail(f"{name}: {label}: no URL (the page is not in the urlconf yet)")
                self.stdout.write(f"{label:{LABEL}} {'— no URL':>8}")
                continue
            try:
                self.get(clients[role], url)
            except PageError as error:
                self.fail(f"{name}: {label}: {error}")
                self.stdout.write(f"{label:{LABEL}} {'ERROR':>8}  {error}")
                continue
            pages.append((label, url, role))
        return pages

    def round_robin(self, pages, clients, floor, cold):
        """{label: (page ms samples, page/floor ratios)} and the floor's samples: each round takes
        every page once, each right after a floor request."""
        samples = {label: [] for label, _, _ in pages}
        ratios = {label: [] for label, _, _ in pages}
        floors = []
        for _ in range(self.runs):
            for label, url, role in pages:
                floor_ms = self.timed_get(clients[role], floor, cold)
                page_ms = self.timed_get(clients[role], url, cold)
                floors.append(floor_ms)
                samples[label].append(page_ms)
                ratios[label].append(page_ms / floor_ms)
        return samples, ratios, floors

    def bench_pages(self, name, plan, limit):
        """The page table of one dataset; returns {label: queries} of each page, warm."""
        self.stdout.write("")
        self.stdout.write(self.describe(name, plan))
        header = (
            f"{'page':{LABEL}} {'cold ms':>8} {'cold ×':>7} {'warm ms':>8} {'warm ×':>7} {'queries':>8}  target (cold)"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        clients = self.clients()
        floor = reverse("bench_floor")
        counts = {}
        with self.as_current(plan):
            self.get(clients["leader"], floor)
            pages = self.checked_pages(name, plan, clients)
            cold, cold_ratios, cold_floor = self.round_robin(pages, clients, floor, cold=True)
            for label, url, role in pages:
                for _ in range(self.warmup):
                    self.get(clients[role], url)
            warm, warm_ratios, warm_floor = self.round_robin(pages, clients, floor, cold=False)
            floor_queries = self.query_count(clients["leader"], floor)
            self.stdout.write(
                f"{'floor (trivial view)':{LABEL}} {self.median(cold_floor):8.1f} {1:7.1f} "
                f"{self.median(warm_floor):8.1f} {1:7.1f} {floor_queries:8d}"
            )
            for label, url, role in pages:
                counts[label] = queries = self.query_count(clients[role], url)
                cold_ratio = self.median(cold_ratios[label])
                verdict = self.verdict(cold_ratio <= limit, f"≤ {limit}×", name, label)
                self.stdout.write(
                    f"{label:{LABEL}} {self.median(cold[label]):8.1f} {cold_ratio:7.1f} "
                    f"{self.median(warm[label]):8.1f} {self.median(warm_ratios[label]):7.1f} {queries:8d}  {verdict}"
                )
        self.stdout.write(f"Load average after the pages of {name}: {load_average()}")
        return counts

    @staticmethod
    def median(samples):
        return statistics.median(samples) if samples else float("nan")

    def bench_writes(self, name, plan):
        """Approval, workbook, reminders of one dataset (inside a rolled-back transaction)."""
        header = f"{'':{LABEL}} {'median ms':>10} {'max ms':>9} {'queries':>8}  target"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        with self.as_current(plan):
            self.bench_approval(name, plan)
            self.bench_workbook(name, plan)
            self.bench_reminders(name, plan)

    def describe(self, name, plan):
        approved = MonthlyReport.objects.filter(plan=plan, status=MonthlyReport.Status.APPROVED)
        values = TargetValue.objects.filter(report__in=approved).count()
        progress = ProgressReport.objects.filter(report__in=approved).count()
        total_values = TargetValue.objects.count()
        month, _ = default_month(plan)
        return (
            f"Dataset {name}: {plan.code} {plan.title} — {plan.targets.count()} targets, {plan.tasks.count()} tasks, "
            f"{approved.count()} approved reports, {values} approved values, {progress} progress narratives "
            f"(database: {Plan.objects.count()} plans, {total_values} values in all); default month {month}, "
            f"other month {other_month(plan)}"
        )

    def verdict(self, ok, wording, dataset, label):
        if ok:
            return f"ok ({wording})"
        self.misses.append(f"{dataset}: {label} misses {wording}")
        return f"MISSED ({wording})"

    def fail(self, message):
        self.errors.append(message)

    def print_summary(self):
        self.stdout.write("")
        self.stdout.write(f"Load average at the end: {load_average()}")
        if self.errors:
            self.stdout.write("ERRORS:")
            for error in self.errors:
                self.stdout.write(f"  {error}")
        if self.misses:
            self.stdout.write("Targets missed:")
            for miss in self.misses:
                self.stdout.write(f"  {miss}")
        if not self.errors and not self.misses:
            self.stdout.write("Every target of issue 14 measured here holds.")
