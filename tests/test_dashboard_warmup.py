"""The dashboards' cache is refilled right after a report changes state (targets/warm.py)."""

from unittest import mock

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from kombu.exceptions import OperationalError

from targets.models import Target
from targets.tasks import warm_dashboard_cache
from targets.warm import page_urls, warm_dashboards
from tasks.models import MonthlyReport, Plan
from tasks.services import approve_reports
from tests import dashboard_seed
from tests.personas import PersonasTestCase

MAIN_PAGES = [
    reverse("overview"), reverse("targets:list"), reverse("tasks:list"), reverse("units:list"),
    reverse("tasks:detail", args=[7]), reverse("targets:detail", args=[1]), reverse("units:detail", args=["jxj"]),
]


class DashboardWarmupTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)
        target = Target.objects.filter(plan=cls.plan).exclude(reporting_unit=cls.kjj).order_by("code").first()
        cls.april = dashboard_seed.report(cls.plan, target.reporting_unit, 4, status=MonthlyReport.Status.SUBMITTED)
        dashboard_seed.value(cls.april, target, target.value)

    def setUp(self):
        cache.clear()

    def queries(self, url):
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(captured.captured_queries), response

    def test_it_fills_the_cache_so_that_the_first_reader_meets_a_hit(self):
        self.client.force_login(self.leader)
        misses = {url: self.queries(url)[0] for url in MAIN_PAGES}
        hits = {url: self.queries(url)[0] for url in MAIN_PAGES}
        cache.clear()
        warm_dashboards(self.plan)
        after_warmup = {url: self.queries(url)[0] for url in MAIN_PAGES}
        self.assertEqual(after_warmup, hits)
        for url in MAIN_PAGES:
            self.assertLess(hits[url], misses[url], url)

    def test_it_warms_the_english_pages_too(self):
        self.client.force_login(self.leader)
        self.client.cookies["django_language"] = "en"
        self.client.get(MAIN_PAGES[0])
        hit = self.queries(MAIN_PAGES[0])[0]
        cache.clear()
        warm_dashboards(self.plan)
        count, response = self.queries(MAIN_PAGES[0])
        self.assertEqual(count, hit)
        self.assertContains(response, "Overview")

    def test_it_shows_the_new_figures_after_an_approval(self):
        self.client.force_login(self.leader)
        not_reported = '<div class="num">{}</div><span class="status status-not_reported">未报送</span>'
        self.assertContains(self.client.get(MAIN_PAGES[0]), not_reported.format(15))
        approve_reports([self.april], self.staff)
        warm_dashboards(self.plan)  # what the queued task does
        hit = self.queries(MAIN_PAGES[0])
        self.assertContains(hit[1], "截至4月底")
        self.assertContains(hit[1], not_reported.format(14))

    def test_it_requests_every_main_page_in_every_language(self):
        urls = page_urls(self.plan)
        self.assertEqual(len(urls), 4 + 22 + 43 + 45)
        self.assertEqual(warm_dashboards(self.plan), 2 * len(urls))  # all answered 200

    def test_it_does_not_warm_a_plan_the_pages_do_not_show(self):
        synthetic = Plan.objects.create(code="scale-2013", year=2013, title="合成", is_synthetic=True)
        self.assertEqual(warm_dashboards(synthetic), 0)

    def test_the_celery_task_warms_the_plan_and_clears_its_pending_mark(self):
        cache.set(f"dash-warmup-pending:{self.plan.pk}", 1)
        self.assertEqual(warm_dashboard_cache(self.plan.pk), 2 * len(page_urls(self.plan)))
        self.assertIsNone(cache.get(f"dash-warmup-pending:{self.plan.pk}"))


@mock.patch("targets.tasks.warm_dashboard_cache.apply_async")
class WarmupSchedulingTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.reports = [
            dashboard_seed.report(cls.plan, unit, 5, status=MonthlyReport.Status.SUBMITTED)
            for unit in (cls.jxj, cls.kjj, cls.hongshan)
        ]

    def setUp(self):
        cache.clear()

    def test_it_queues_one_warmup_for_a_bulk_approval_after_commit(self, apply_async):
        with self.captureOnCommitCallbacks(execute=True):
            approve_reports(self.reports, self.staff)
            apply_async.assert_not_called()  # not before the approval is committed
        apply_async.assert_called_once_with(args=[self.plan.pk], countdown=3, retry=False)

    def test_it_queues_nothing_when_the_approval_fails(self, apply_async):
        approved = dashboard_seed.report(self.plan, self.districts, 5)
        with self.captureOnCommitCallbacks(execute=True):
            with self.assertRaises(Exception):
                approve_reports([approved], self.staff)
        apply_async.assert_not_called()

    def test_an_approval_succeeds_when_the_broker_is_down(self, apply_async):
        apply_async.side_effect = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        with self.captureOnCommitCallbacks(execute=True):
            approve_reports(self.reports[:1], self.staff)
        self.reports[0].refresh_from_db()
        self.assertEqual(self.reports[0].status, MonthlyReport.Status.APPROVED)
        # The pending mark is gone, so the next change queues again once the broker is back.
        apply_async.side_effect = None
        with self.captureOnCommitCallbacks(execute=True):
            approve_reports(self.reports[1:2], self.staff)
        self.assertEqual(apply_async.call_count, 2)
