"""The bench command's longer measurements: the workbook, the reminder fan-out, the dashboards'
cache misses and warm-up, and the 1-year/10-years comparison (targets/management/commands/bench.py)."""

import contextlib
import statistics
import time
from unittest import mock

from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from targets.management.commands.generate_scale_data import delete_synthetic_plans
from tasks.models import MonthlyReport, Plan
from units.models import Membership, Unit

WORKBOOK_LIMIT_MS = 2000
REMINDER_RECIPIENTS = 200
YEARS_CHECK_RUNS = 5
BENCH_PREFIX = "__bench_"
MISS_RUNS = 5


class PageError(Exception):
    pass


class BenchPartsMixin:
    """Needs from the command: stdout, warmup, heavy_runs, time_call, get, clients, pages,
    as_current, query_count, verdict and fail."""

    def bench_workbook(self, name, plan, floor_median):
        label = "quarterly workbook"
        try:
            from reports.workbook import build_quarterly_workbook
        except ImportError:
            self.fail(f"{name}: {label}: reports.workbook.build_quarterly_workbook does not exist yet")
            self.stdout.write(f"{label:22} {'— missing':>10}")
            return
        quarter = self.latest_quarter(plan)
        try:
            median, p95, queries = self.time_call(
                lambda: build_quarterly_workbook(plan, quarter), runs=self.heavy_runs, warmup=min(self.warmup, 1)
            )
        except Exception as error:  # report it, keep measuring the rest
            self.fail(f"{name}: {label}: {error!r}")
            self.stdout.write(f"{label:22} {'ERROR':>10}  {error!r}")
            return
        ratio = median / floor_median if floor_median else float("nan")
        verdict = self.verdict(median < WORKBOOK_LIMIT_MS, "< 2 s", name, label) if name == "real" else ""
        self.stdout.write(
            f"{label + f' Q{quarter}':22} {median:10.1f} {p95:9.1f} {self.last_cpu:7.1f} {queries:8d} {ratio:8.1f} {'':>6}  {verdict}"
        )

    def latest_quarter(self, plan):
        month = (
            MonthlyReport.objects.filter(plan=plan, status=MonthlyReport.Status.APPROVED)
            .order_by("-month")
            .values_list("month", flat=True)
            .first()
        )
        return (month - 1) // 3 + 1 if month else 1

    def bench_reminders(self, name, plan, floor_median):
        """reports.reminders.run_now for the monthly notice: record and send it to 200 liaisons.

        run_now is the fan-out done in one process (what `send_reminders` does, and what the
        Celery fan-out plus its per-message deliveries add up to), mail going to locmem.
        """
        label = f"reminders ×{REMINDER_RECIPIENTS}"
        try:
            from reports import reminders
            from reports.models import ReminderMessage

            run_now, month_period = reminders.run_now, reminders.month_period
        except (ImportError, AttributeError):
            self.fail(f"{name}: {label}: reports.reminders.run_now does not exist yet")
            self.stdout.write(f"{label:22} {'— missing':>10}")
            return
        kind = ReminderMessage.Kind.MONTHLY_NOTICE
        period = month_period(plan.year, self.latest_quarter(plan) * 3)
        sent = []
        # The reminders look up the real plan of the period's year; point them at this one.
        with self.plan_for_year_is(plan, reminders):
            self.add_reminder_recipients(plan, len(reminders.recipients_for(kind, period, plan)))

            def run():
                ReminderMessage.objects.filter(kind=kind, period=period.code).delete()
                mail.outbox = []
                run_now(kind, period)
                sent.append(len(mail.outbox))

            try:
                median, p95, queries = self.time_call(run, runs=self.heavy_runs, warmup=min(self.warmup, 1))
            except Exception as error:
                self.fail(f"{name}: {label}: {error!r}")
                self.stdout.write(f"{label:22} {'ERROR':>10}  {error!r}")
                return
        ratio = median / floor_median if floor_median else float("nan")
        note = f"{sent[-1]} emails sent"
        if sent[-1] != REMINDER_RECIPIENTS:
            note += f" (expected {REMINDER_RECIPIENTS})"
        self.stdout.write(
            f"{label:22} {median:10.1f} {p95:9.1f} {self.last_cpu:7.1f} {queries:8d} {ratio:8.1f} {'':>6}  {note}"
        )

    @contextlib.contextmanager
    def plan_for_year_is(self, plan, reminders):
        """Patch plan_for_year where it is defined (reports.reminders or reports.reminder_calendar)."""
        import importlib

        with contextlib.ExitStack() as stack:
            for module_name in ("reports.reminder_calendar", "reports.reminders"):
                with contextlib.suppress(ImportError):
                    module = importlib.import_module(module_name)
                    if hasattr(module, "plan_for_year"):
                        stack.enter_context(mock.patch.object(module, "plan_for_year", lambda year: plan))
            yield

    def add_reminder_recipients(self, plan, existing):
        """Liaisons with email addresses over the plan's reporting units, up to 200 recipients in all."""
        from tasks.reporting import reporting_units
        from units.accounts import create_account

        units = list(reporting_units(plan).order_by("position", "code")) or list(Unit.objects.all())
        for index in range(max(0, REMINDER_RECIPIENTS - existing)):
            unit = units[index % len(units)]
            create_account(
                f"{BENCH_PREFIX}r{plan.pk}_{index:03d}", Membership.Role.LIAISON, unit,
                email=f"bench{plan.pk}-{index:03d}@example.gov.cn",
            )

    # --- queries: 1 year vs 10 years ------------------------------------------------------

    def years_check(self, datasets):
        """Queries (and median time) of each page with every synthetic year present, then with only the newest.

        The issue's target is the query count; the time is printed beside it because a query can
        keep its count and still grow with the years (a join across every plan, say).
        """
        synthetic = list(Plan.objects.filter(is_synthetic=True).order_by("-year", "-pk"))
        self.stdout.write("")
        self.stdout.write(
            f"SQL queries (and median ms of {YEARS_CHECK_RUNS} requests) per page: all data "
            f"({len(synthetic)} synthetic years + the real plan) vs 1 year "
            "(every synthetic plan but the newest removed, in a rolled-back transaction)"
        )
        clients = self.clients()
        many = self.count_pages(datasets, clients)
        with transaction.atomic():
            delete_synthetic_plans([p.pk for p in synthetic[1:]])
            one = self.count_pages(datasets, clients)
            transaction.set_rollback(True)
        header = f"{'':22}" + "".join(f" {name + ' all':>16} {name + ' 1y':>16}" for name, _, _ in datasets) + "  same queries?"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for label in many[datasets[0][0]]:
            cells = ""
            same = True
            notes = []
            for name, _, _ in datasets:
                a, b = many[name].get(label), one[name].get(label)
                cells += f" {self.years_cell(a):>16} {self.years_cell(b):>16}"
                same = same and a is not None and b is not None and a[0] == b[0]
                if a and b and a[1] > 2 * b[1] and a[1] - b[1] > 20:
                    notes.append(f"{name}: {a[1] / b[1]:.1f}× slower with all years")
            verdict = "" if label.startswith("floor") else self.verdict(same, "same queries 1y/10y", "years", label)
            self.stdout.write(f"{label:22}{cells}  {verdict}{'; ' if notes else ''}{'; '.join(notes)}")

    @staticmethod
    def years_cell(measure):
        return "—" if measure is None else f"{measure[0]} q {measure[1]:6.1f} ms"

    def count_pages(self, datasets, clients):
        """{dataset: {label: (queries, median ms)}}, the pages taken round-robin."""
        result = {}
        for name, plan, _ in datasets:
            with self.as_current(plan):
                pages = []
                result[name] = {}
                for label, url, role in self.pages(plan):
                    if url is None:
                        continue
                    try:
                        self.get(clients[role], url)  # warm caches first
                        pages.append((label, url, role))
                    except PageError:
                        result[name][label] = None
                samples = {label: [] for label, _, _ in pages}
                for _ in range(YEARS_CHECK_RUNS):
                    for label, url, role in pages:
                        started = time.perf_counter()
                        self.get(clients[role], url)
                        samples[label].append((time.perf_counter() - started) * 1000)
                for label, url, role in pages:
                    result[name][label] = (self.query_count(clients[role], url), statistics.median(samples[label]))
        return result

    # --- cache misses and the warm-up ---------------------------------------------------

    def bench_misses(self, name, plan, floor_median):
        """Each cached page's first request after a change of data, and the warm-up that spares readers it.

        A miss is forced by a key prefix of its own per request (no cache.clear(): CACHE_URL may be
        a Redis database that others use). The warm-up (targets/warm.py) is what the Celery worker
        runs a few seconds after a review.
        """
        from targets import cache as dashboard_cache
        from targets.warm import page_urls, warm_dashboards

        self.stdout.write(
            f"Cache miss: a page's first request after a change of data, median and max of {MISS_RUNS}; readers meet "
            "it only for what the warm-up does not fill (another month, a filter, a sort, page 2) or before it ends"
        )
        clients = self.clients()
        with self.as_current(plan):
            for label, url, role in self.pages(plan):
                if url is None or not label.startswith(CACHED_PAGES):
                    continue
                self.write_miss(f"{label} (miss)", *self.miss_samples(clients[role], url), floor_median)
            target_list = self.url("targets:list")
            if target_list:  # a reader sorts the page the warm-up filled: the form is reused, the rows are new
                samples = self.miss_samples(clients["leader"], f"{target_list}?sort=-status", fill=target_list)
                self.write_miss("target list, re-sort", *samples, floor_median)
            with mock.patch.object(dashboard_cache, "PREFIX", f"bench-warm:{time.monotonic_ns()}"):
                started = time.perf_counter()
                warmed = warm_dashboards(plan)
                elapsed = (time.perf_counter() - started) * 1000
        pages = len(page_urls(plan))
        self.stdout.write(
            f"{'warm-up after review':22} {elapsed:10.1f} {'':>9} {'':>7} {'':>8} {'':>8}  "
            f"{warmed} of {2 * pages} pages cached ({pages} pages × 2 languages), in the worker"
        )
        if warmed != 2 * pages:
            self.fail(f"{name}: the warm-up cached {warmed} of {2 * pages} pages")

    def miss_samples(self, client, url, fill=None):
        """MISS_RUNS timings of `url`, each under a key prefix of its own (after an untimed request
        of `fill` under the same prefix, when given), and the queries of one more such request."""
        from targets import cache as dashboard_cache

        samples = []
        for run in range(MISS_RUNS + 1):  # the last one counts the queries, untimed
            with mock.patch.object(dashboard_cache, "PREFIX", f"bench-miss:{time.monotonic_ns()}:{run}"):
                if fill:
                    self.get(client, fill)
                if run == MISS_RUNS:
                    with CaptureQueriesContext(connection) as queries:
                        self.get(client, url)
                    return samples, len(queries.captured_queries)
                started = time.perf_counter()
                self.get(client, url)
                samples.append((time.perf_counter() - started) * 1000)

    def write_miss(self, label, samples, queries, floor_median):
        median = statistics.median(samples)
        self.stdout.write(f"{label:22} {median:10.1f} {max(samples):9.1f} {'':>7} {queries:8d} {median / floor_median:8.1f}")


CACHED_PAGES = ("overview", "target", "task", "unit")
