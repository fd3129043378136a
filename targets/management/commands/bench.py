"""Server-side benchmark of the main pages, the quarterly workbook and a reminder fan-out.

Every page is requested through Django's test Client by a signed-in user of the right role, so
each request crosses the full middleware stack (sessions, CSRF, auth, OTP, CSP, axes, history …).
The yardstick is a FLOOR: a trivial view that renders a small template extending base.html, with
the same middleware, the same login and the same role check. A page's cost is reported as its
median divided by the floor's median, which makes the figures comparable across machines.

Datasets:
- real: the current real plan (Plan.current(), normally 2023 with `seed_demo --progress`);
- scale: the newest synthetic plan made by `generate_scale_data`. The pages show Plan.current(),
  so for this dataset the bench makes Plan.current() return the synthetic plan, inside this
  process only.

Everything runs in one transaction that is rolled back at the end: the bench's own accounts,
sessions, reminder records and audit events never stay in the database. The floor URL exists only
in a urlconf built here; production urls are untouched.
"""

import contextlib
import math
import statistics
import sys
import time
import types
import warnings
from unittest import mock

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.http import HttpResponse
from django.template import engines
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, include, path, reverse

from targets.bench_parts import BENCH_PREFIX, BenchPartsMixin, PageError
from tasks.models import MonthlyReport, Plan
from units.access import require_role
from units.models import Membership, Unit

FLOOR_TEMPLATE = (
    '{% extends "base.html" %}{% load i18n %}'
    '{% block content %}<h1>{% translate "性能基准" %}</h1><p>{{ user.get_username }}</p>{% endblock %}'
)
REAL_LIMIT = 5  # × floor, issue 8
SCALE_LIMIT = 10


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


def percentile(samples, fraction):
    ordered = sorted(samples)
    index = max(0, math.ceil(fraction * len(ordered)) - 1)
    return ordered[index]


class Command(BenchPartsMixin, BaseCommand):
    help = "Benchmarks the main pages, the quarterly workbook and a reminder fan-out against a floor view."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20, help="timed requests per page (default 20)")
        parser.add_argument("--warmup", type=int, default=2, help="untimed requests per page first (default 2)")
        parser.add_argument(
            "--heavy-runs", type=int, default=5,
            help="timed runs of the workbook and the reminder fan-out, which take seconds each (default 5)",
        )
        parser.add_argument("--dataset", choices=["real", "scale", "both"], default="both")
        parser.add_argument(
            "--no-years-check", action="store_true",
            help="skip the SQL-queries comparison between 1 year and 10 years of data",
        )
        parser.add_argument(
            "--strict", action="store_true", help="exit with status 2 when a target of issue 8 is missed"
        )

    def handle(self, *args, **options):
        self.runs = max(1, options["runs"])
        self.warmup = max(0, options["warmup"])
        self.heavy_runs = max(1, min(options["heavy_runs"], self.runs))
        self.misses = []
        self.errors = []
        real = Plan.current()
        scale = Plan.objects.filter(is_synthetic=True).order_by("-year", "-pk").first()
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
        ), transaction.atomic():
            try:
                self.personas = self.make_personas()
                for name, plan, limit in datasets:
                    self.bench_dataset(name, plan, limit)
                if not options["no_years_check"] and scale is not None and datasets:
                    self.years_check(datasets)
            finally:
                transaction.set_rollback(True)
        self.print_summary()
        if self.errors:
            raise CommandError("; ".join(self.errors))
        if self.misses and options["strict"]:
            sys.exit(2)

    # --- setup ----------------------------------------------------------------------------

    def print_machine(self):
        import os
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
            f"Django {django.get_version()}, {database}. Runs per page: {self.runs} (+{self.warmup} warm-up); "
            f"workbook and reminders: {self.heavy_runs}."
        )
        cache = settings.CACHES["default"]
        self.stdout.write(f"Cache: {cache['BACKEND'].rsplit('.', 1)[-1]} {cache.get('LOCATION', '')} (CACHE_URL)")
        with contextlib.suppress(OSError):
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            self.stdout.write(f"Load average at start: {load} (other work on the machine inflates the wall times; "
                              "cpu ms is this process's own CPU time, without waiting for PostgreSQL)")

    def make_personas(self):
        """A leader, a staff member and a liaison of a unit that reports targets, made for this run only."""
        from units.accounts import create_account

        kjj = Unit.objects.filter(code="kjj").first()
        liaison_unit = Unit.objects.filter(code="jxj").first() or Unit.objects.exclude(kind=Unit.Kind.GROUP).first()
        return {
            "leader": create_account(f"{BENCH_PREFIX}leader", Membership.Role.LEADER),
            "staff": create_account(f"{BENCH_PREFIX}staff", Membership.Role.STAFF, kjj),
            "liaison": create_account(f"{BENCH_PREFIX}liaison", Membership.Role.LIAISON, liaison_unit),
        }

    def pages(self, plan):
        """(label, url, persona) of every main page, resolved against `plan`."""
        target = plan.targets.order_by("position", "code").first()
        task = plan.tasks.order_by("number").first()
        pages = [
            ("floor (trivial view)", reverse("bench_floor"), "leader"),
            ("overview /", self.url("overview"), "leader"),
            ("target list", self.url("targets:list"), "leader"),
            ("target detail", self.url("targets:detail", pk=target.pk if target else 0), "leader"),
            ("task detail", self.task_url(task), "leader"),
            ("task list", self.url("tasks:list"), "leader"),
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

    def task_url(self, task):
        if task is None:
            return None
        for kwargs in ({"number": task.number}, {"pk": task.pk}, {"n": task.number}):
            with contextlib.suppress(NoReverseMatch):
                return reverse("tasks:detail", kwargs=kwargs)
        return None

    @contextlib.contextmanager
    def as_current(self, plan):
        if plan.is_synthetic:
            with mock.patch.object(Plan, "current", classmethod(lambda cls: plan)):
                yield
        else:
            yield

    def clients(self):
        clients = {}
        for role, user in self.personas.items():
            client = Client()
            client.force_login(user)
            clients[role] = client
        return clients

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

    def time_call(self, call, runs=None, warmup=None):
        for _ in range(self.warmup if warmup is None else warmup):
            call()
        samples, cpu = [], []
        for _ in range(runs or self.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            call()
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        with CaptureQueriesContext(connection) as queries:
            call()
        self.last_cpu = statistics.median(cpu)
        return statistics.median(samples), percentile(samples, 0.95), len(queries.captured_queries)

    def query_count(self, client, url):
        with CaptureQueriesContext(connection) as queries:
            self.get(client, url)
        return len(queries.captured_queries)

    def bench_dataset(self, name, plan, limit):
        """Round-robin: each round requests the floor and every page once, so machine noise
        (other processes, PostgreSQL's scheduling) falls on the floor and the pages alike."""
        self.stdout.write("")
        self.stdout.write(self.describe(name, plan))
        header = (
            f"{'':22} {'median ms':>10} {'p95 ms':>9} {'cpu ms':>7} {'queries':>8} {'× floor':>8} {'cpu ×':>6}  target"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        clients = self.clients()
        pages = []
        with self.as_current(plan):
            for label, url, role in self.pages(plan):
                if url is None:
                    self.fail(f"{name}: {label}: no URL (the page is not in the urlconf yet)")
                    self.stdout.write(f"{label:22} {'— no URL':>10}")
                    continue
                try:
                    for _ in range(max(1, self.warmup)):
                        self.get(clients[role], url)
                except PageError as error:
                    self.fail(f"{name}: {label}: {error}")
                    self.stdout.write(f"{label:22} {'ERROR':>10}  {error}")
                    continue
                pages.append((label, url, role))
            wall = {label: [] for label, _, _ in pages}
            cpu = {label: [] for label, _, _ in pages}
            for _ in range(self.runs):
                for label, url, role in pages:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    self.get(clients[role], url)
                    wall[label].append((time.perf_counter() - started) * 1000)
                    cpu[label].append((time.process_time() - started_cpu) * 1000)
            floor = floor_cpu = None
            rows = {}
            for label, url, role in pages:
                rows[label] = queries = self.query_count(clients[role], url)
                median, p95, cpu_median = statistics.median(wall[label]), percentile(wall[label], 0.95), statistics.median(cpu[label])
                if floor is None:
                    floor, floor_cpu = median, cpu_median
                ratio, cpu_ratio = median / floor, cpu_median / floor_cpu
                verdict = "" if label.startswith("floor") else self.verdict(ratio <= limit, f"≤ {limit}×", name, label)
                self.stdout.write(
                    f"{label:22} {median:10.1f} {p95:9.1f} {cpu_median:7.1f} {queries:8d} {ratio:8.1f} {cpu_ratio:6.1f}  {verdict}"
                )
            self.bench_misses(name, plan, floor)
            self.bench_workbook(name, plan, floor)
            self.bench_reminders(name, plan, floor)
        return rows

    def describe(self, name, plan):
        approved = MonthlyReport.objects.filter(plan=plan, status=MonthlyReport.Status.APPROVED)
        from targets.models import TargetValue
        from tasks.models import ProgressReport

        values = TargetValue.objects.filter(report__in=approved).count()
        progress = ProgressReport.objects.filter(report__in=approved).count()
        total_values = TargetValue.objects.count()
        return (
            f"Dataset {name}: {plan.code} {plan.title} — {plan.targets.count()} targets, {plan.tasks.count()} tasks, "
            f"{approved.count()} approved reports, {values} approved values, {progress} progress narratives "
            f"(database: {Plan.objects.count()} plans, {total_values} values in all)"
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
        if self.errors:
            self.stdout.write("ERRORS:")
            for error in self.errors:
                self.stdout.write(f"  {error}")
        if self.misses:
            self.stdout.write("Targets missed:")
            for miss in self.misses:
                self.stdout.write(f"  {miss}")
        if not self.errors and not self.misses:
            self.stdout.write("Every target of issue 8 measured here holds.")
