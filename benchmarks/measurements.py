"""The bench command's other measurements: the views readers open beyond the defaults (shared with
loadtest), an approval's write path, the workbook, the reminder fan-out, and the query comparisons
1 year / 10 years and 43 / 774 targets (benchmarks/management/commands/bench.py). Whatever writes runs
inside a transaction the command rolls back."""

import contextlib
import os
import statistics
import time
from unittest import mock

from django.core import mail
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benchmarks.management.commands.generate_scale_data import (
    delete_synthetic_plans,
    scale_plans,
)
from reporting.services import approve_reports, get_or_create_report, reopen_report
from reports.models import ReminderMessage
from reports.reminders import delivery as reminders
from reports.workbook.build import build_quarterly_workbook
from targets.asof import default_month
from targets.models import Status, Target
from targets.views.targets import TARGETS_PER_PAGE
from tasks.models import MonthlyReport
from tasks.reporting import reporting_units
from units.accounts import create_account
from units.models import Membership, Unit


def load_average():
    """The machine's 1, 5 and 15 minute load, as the figures are printed beside it."""
    with contextlib.suppress(OSError, AttributeError):
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return "unknown"


def other_month(plan):
    """A month beside the default one: what a reader picks in the month picker."""
    month, _reason = default_month(plan)
    return month - 1 if month > 1 else 2


def filtered_views(plan):
    """(label, path) of the views readers open beyond the default ones, resolved against `plan`:
    another month, a status filter, a sort, a task and kind, and page 2 when there is one. The
    bench measures each; the load test mixes them with the defaults."""
    other = other_month(plan)
    overview, targets = reverse("overview"), reverse("targets:list")
    views = [
        ("overview ?month=other", f"{overview}?month={other}"),
        ("target list ?month=other", f"{targets}?month={other}"),
        ("target list ?status=behind", f"{targets}?status={Status.BEHIND.value}"),
        ("target list ?sort=-completion", f"{targets}?sort=-completion"),
    ]
    if plan.targets.count() > TARGETS_PER_PAGE:
        views.append(("target list ?page=2", f"{targets}?page=2"))
    task = busiest_task(plan)
    kind = (
        Target.objects.filter(plan=plan, tasks=task).values("kind").annotate(n=Count("pk")).order_by("-n", "kind")
        .values_list("kind", flat=True).first()
    ) if task else None
    if kind:
        views.append(("target list ?task=…&kind=…", f"{targets}?task={task.pk}&kind={kind}"))
    return views


def busiest_task(plan):
    """The task with the most targets: its page and its filter are the heaviest."""
    return plan.tasks.annotate(n=Count("targets")).order_by("-n", "number").first()

APPROVAL_LIMIT_MS = 200  # approve + standings, real plan
WORKBOOK_LIMIT_MS = {"real": 1000, "scale": 2000}
REMINDER_RECIPIENTS = 200
YEARS_CHECK_RUNS = 5
BENCH_PREFIX = "__bench_"
APPROVAL_UNIT = "kjj"  # 市科技局: the unit with the most targets


class PageError(Exception):
    pass


class BenchPartsMixin:
    """Needs from the command: stdout, heavy_runs, personas, time_call, get, clients, pages,
    as_current, query_count, verdict and fail."""

    def write_row(self, label, median, longest, queries, note=""):
        self.stdout.write(f"{label:36} {median:10.1f} {longest:9.1f} {queries:8d}  {note}")

    # --- an approval's write path -----------------------------------------------------------

    def bench_approval(self, name, plan):
        """reporting.services.approve_reports of one submitted 市科技局 report: the approval and the
        standings refresh of the unit's targets and tasks, as the review page does it.

        Each run puts the report back in the submitted state (untimed: the latest approved one is
        reopened, which takes its figures out of the standings, then marked submitted without the
        form's completeness check) and times the approval alone. With no approved report, the
        unit's report of the default month is used.
        """
        label = "approve a report (+ standings)"
        staff = self.personas["staff"]
        unit = Unit.objects.filter(code=APPROVAL_UNIT).first()
        if unit is None:
            self.fail(f"{name}: {label}: no unit {APPROVAL_UNIT}")
            self.stdout.write(f"{label:36} {'— no unit':>10}")
            return
        report = (
            MonthlyReport.objects.filter(plan=plan, unit=unit, status=MonthlyReport.Status.APPROVED)
            .order_by("-month").first()
        ) or get_or_create_report(plan, unit, default_month(plan)[0])
        # A closed month cannot be reopened; this transaction is rolled back.
        plan.closed_months.filter(month=report.month).delete()

        def submitted():
            report.refresh_from_db()
            if report.status == MonthlyReport.Status.APPROVED:
                reopen_report(report, staff, "bench: reopened to time the approval")
            MonthlyReport.objects.filter(pk=report.pk).update(
                status=MonthlyReport.Status.SUBMITTED, submitted_at=timezone.now(), submitted_by=staff
            )

        def approve():
            submitted()
            started = time.perf_counter()
            approve_reports([report], staff)
            return (time.perf_counter() - started) * 1000

        try:
            approve()  # untimed: the first run also warms what the others reuse
            samples = [approve() for _ in range(self.heavy_runs)]
            submitted()
            with CaptureQueriesContext(connection) as queries:
                approve_reports([report], staff)
        except Exception as error:  # report it, keep measuring the rest
            self.fail(f"{name}: {label}: {error!r}")
            self.stdout.write(f"{label:36} {'ERROR':>10}  {error!r}")
            return
        if report.status != MonthlyReport.Status.APPROVED:
            self.fail(f"{name}: {label}: the report is {report.status} after approve_reports")
        median = statistics.median(samples)
        targets = plan.targets.filter(reporting_unit=unit).count()
        note = f"{unit.name} month {report.month}, {targets} targets"
        if name == "real":
            note = f"{self.verdict(median < APPROVAL_LIMIT_MS, f'< {APPROVAL_LIMIT_MS} ms', name, label)}; {note}"
        self.write_row(label, median, max(samples), len(queries.captured_queries), note)

    # --- the workbook and the reminders ------------------------------------------------------

    def bench_workbook(self, name, plan):
        label = "quarterly workbook"
        quarter = self.latest_quarter(plan)
        try:
            median, longest, queries = self.time_call(lambda: build_quarterly_workbook(plan, quarter), warmup=1)
        except Exception as error:  # report it, keep measuring the rest
            self.fail(f"{name}: {label}: {error!r}")
            self.stdout.write(f"{label:36} {'ERROR':>10}  {error!r}")
            return
        limit = WORKBOOK_LIMIT_MS[name]
        verdict = self.verdict(median < limit, f"< {limit / 1000:g} s", name, label)
        self.write_row(f"{label} Q{quarter}", median, longest, queries, verdict)

    def latest_quarter(self, plan):
        month = (
            MonthlyReport.objects.filter(plan=plan, status=MonthlyReport.Status.APPROVED)
            .order_by("-month")
            .values_list("month", flat=True)
            .first()
        )
        return (month - 1) // 3 + 1 if month else 1

    def bench_reminders(self, name, plan):
        """reports.reminders.delivery.run_now for the monthly notice: record and send it to 200 liaisons.

        run_now is the fan-out done in one process (what `send_reminders` does, and what the
        Celery fan-out plus its per-message deliveries add up to), mail going to locmem.
        """
        label = f"reminders ×{REMINDER_RECIPIENTS}"
        kind = ReminderMessage.Kind.MONTHLY_NOTICE
        period = reminders.month_period(plan.year, self.latest_quarter(plan) * 3)
        sent = []
        # The reminders look up the real plan of the period's year; point them at this one.
        with self.plan_for_year_is(plan):
            try:
                self.add_reminder_recipients(plan, len(reminders.recipients_for(kind, period, plan)))

                def run():
                    ReminderMessage.objects.filter(kind=kind, period=period.code).delete()
                    mail.outbox = []
                    reminders.run_now(kind, period)
                    sent.append(len(mail.outbox))

                median, longest, queries = self.time_call(run, warmup=1)
            except Exception as error:
                self.fail(f"{name}: {label}: {error!r}")
                self.stdout.write(f"{label:36} {'ERROR':>10}  {error!r}")
                return
        note = f"{sent[-1]} emails sent"
        if sent[-1] != REMINDER_RECIPIENTS:
            self.fail(f"{name}: {label}: {sent[-1]} emails sent, expected {REMINDER_RECIPIENTS}")
            note += f" (expected {REMINDER_RECIPIENTS})"
        self.write_row(label, median, longest, queries, note)

    @contextlib.contextmanager
    def plan_for_year_is(self, plan):
        """Patch plan_for_year where it is defined and where it is re-exported."""
        import importlib

        with contextlib.ExitStack() as stack:
            for module_name in ("reports.reminders.calendar", "reports.reminders.delivery"):
                module = importlib.import_module(module_name)
                if hasattr(module, "plan_for_year"):
                    stack.enter_context(mock.patch.object(module, "plan_for_year", lambda year: plan))
            yield

    def add_reminder_recipients(self, plan, existing):
        """Liaisons with email addresses over the plan's reporting units, up to 200 recipients in all."""
        units = list(reporting_units(plan).order_by("position", "code")) or list(Unit.objects.all())
        for index in range(max(0, REMINDER_RECIPIENTS - existing)):
            unit = units[index % len(units)]
            create_account(
                f"{BENCH_PREFIX}r{plan.pk}_{index:03d}", Membership.Role.LIAISON, unit,
                email=f"bench{plan.pk}-{index:03d}@example.gov.cn",
            )

    # --- queries: 1 year vs 10 years, 43 vs 774 targets ----------------------------------

    def years_check(self, datasets):
        """Queries (and warm median ms) of each page with every synthetic year present, then with
        only the newest; and whether a page runs as many queries on the real plan (43 targets)
        as on the scale plan (774).

        The issue's target is the query count; the time is printed beside it because a query can
        keep its count and still grow with the years (a join across every plan, say).
        """
        synthetic = list(scale_plans().order_by("-year", "-pk"))
        self.stdout.write("")
        self.stdout.write(
            f"SQL queries (and warm median ms of {YEARS_CHECK_RUNS} requests) per page: all data "
            f"({len(synthetic)} synthetic years + the real plan) vs 1 year "
            "(every synthetic plan but the newest removed, in a rolled-back transaction)"
        )
        clients = self.clients()
        many = self.count_pages(datasets, clients)
        with transaction.atomic():
            delete_synthetic_plans([p.pk for p in synthetic[1:]])
            one = self.count_pages(datasets, clients)
            transaction.set_rollback(True)
        names = [name for name, _, _ in datasets]
        both = "real" in names and "scale" in names
        header = (
            f"{'':36}" + "".join(f" {name + ' all':>16} {name + ' 1y':>16}" for name in names)
            + "  same queries 1y/10y?" + ("  43/774 targets?" if both else "")
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        labels = list(dict.fromkeys(label for name in names for label in many[name]))
        for label in labels:
            cells, notes, same = "", [], True
            for name in names:
                a, b = many[name].get(label), one[name].get(label)
                cells += f" {self.years_cell(a):>16} {self.years_cell(b):>16}"
                if label in many[name]:
                    same = same and a is not None and b is not None and a[0] == b[0]
                if a and b and a[1] > 2 * b[1] and a[1] - b[1] > 20:
                    notes.append(f"{name}: {a[1] / b[1]:.1f}× slower with all years")
            line = f"{label:36}{cells}  {self.verdict(same, 'same queries 1y/10y', 'years', label)}"
            if both:
                real, scale = many["real"].get(label), many["scale"].get(label)
                if real and scale:
                    line += "  " + self.verdict(real[0] == scale[0], "same queries 43/774 targets", "targets", label)
                else:
                    line += "  —"
            self.stdout.write(line + ("; " if notes else "") + "; ".join(notes))

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
                        self.get(clients[role], url)
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
