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
import sys
import warnings

from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import override_settings

from benchmarks.management.commands.generate_scale_data import scale_plans
from benchmarks.measurements import (
    BENCH_PREFIX,
    BenchPartsMixin,
    load_average,
    other_month,
)
from benchmarks.pages import LABEL, PageBenchMixin, bench_urlconf
from targets.asof import default_month
from targets.models import TargetValue
from tasks.models import MonthlyReport, Plan, ProgressReport
from units.accounts import create_account
from units.models import Membership, Unit
from units.signals import SESSION_HAS_OTP_DEVICE

REAL_LIMIT = 4  # × floor, cold, issue 14
SCALE_LIMIT = 6



class Command(PageBenchMixin, BenchPartsMixin, BaseCommand):
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
