"""The bench's page measurements (benchmarks/management/commands/bench.py describes the method): the
floor view and its urlconf, each page requested cold and warm in round robin with the floor, the table."""

import contextlib
import statistics
import time
import types
from unittest import mock

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, include, path, reverse

from benchmarks.management.commands.generate_scale_data import SCALE_CODE_PREFIX
from benchmarks.measurements import (
    PageError,
    busiest_task,
    filtered_views,
    load_average,
)
from tasks.models import Plan
from units.access import require_role

FLOOR_TEMPLATE = (
    '{% extends "base.html" %}{% load i18n %}'
    '{% block content %}<h1>{% translate "性能基准" %}</h1><p>{{ user.get_username }}</p>{% endblock %}'
)
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


class PageBenchMixin:
    """The page table of the bench command: needs self.session_keys, runs, warmup, heavy_runs,
    can_close, cold_counter, stdout, fail(), verdict() and describe() from the command."""

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
            ("unit months table", self.url("units:months"), "leader"),
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
