"""End-to-end: a leader signs in and opens every dashboard page in headless Chromium (Debian's
package, /usr/bin/chromium), the charts render, the figures are right, and no request leaves
this server. Skipped when Chromium is missing, except under CI=true where that is a failure.
"""


import pytest
from django.test import override_settings
from django.urls import reverse

from targets.models import Target
from tasks.models import MonthlyReport, Plan
from tests import dashboard_seed
from tests.browser.base import SCREENSHOT_DIR, ChromiumTestCase
from tests.personas import PASSWORD
from units.accounts import create_account
from units.models import Membership, Unit

pytestmark = pytest.mark.browser


@override_settings(AXES_ENABLED=False)
class DashboardInBrowserTest(ChromiumTestCase):
    fixtures = ["plan_2023"]

    def setUp(self):
        self.plan = Plan.objects.get(code="2023")
        staff = create_account("staff", Membership.Role.STAFF, Unit.objects.get(code="kjj"), PASSWORD)
        create_account("leader", Membership.Role.LEADER, None, PASSWORD)
        dashboard_seed.seed_months(self.plan, [1, 2, 3, 4, 5, 6], staff=staff, extra_units=3)
        self.page = self.open_browser_page()

    def log_in(self):
        self.page.goto(f"{self.live_server_url}/accounts/login/")
        self.page.fill("input[name=username]", "leader")
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit].primary")
        self.page.wait_for_load_state("networkidle")

    def open(self, path, chart=True):
        response = self.page.goto(f"{self.live_server_url}{path}")
        self.assertEqual(response.status, 200, path)
        if chart:
            self.page.wait_for_selector(".plotly-chart .main-svg", timeout=20000)
        name = path.strip("/").replace("/", "-") or "overview"
        self.page.screenshot(path=str(SCREENSHOT_DIR / f"dashboard-{name}-1280.png"), full_page=True)
        return self.page.content()

    def test_it_renders_every_dashboard_page_offline(self):
        self.log_in()
        # A leader lands on the overview (/home/ redirects there), not back on the login page.
        self.assertEqual(self.page.url, f"{self.live_server_url}{reverse('overview')}")
        self.assertEqual(self.page.locator("input[name=password]").count(), 0)
        html = self.open("/?month=6")
        self.assertIn("截至6月底", html)
        self.assertIn("各项指标完成率与时间进度", self.page.inner_text(".plotly-chart"))
        self.assertIn("T08 高新技术企业数", self.page.inner_text(".plotly-chart"))
        self.assertIn("高企认定奖补资金需市财政协调", html)

        html = self.open("/targets/?month=6", chart=False)
        row = self.page.locator("tr", has_text="高新技术企业数")
        self.assertIn("11,300家（6月）", row.inner_text())
        self.assertIn("正常", row.inner_text())

        target = Target.objects.get(plan=self.plan, code="T08")
        html = self.open(f"/targets/{target.pk}/?month=6")
        # Quarterly, no year-start figure: 10,400 in March, 11,300 in June, 300 a month → 13,100.
        self.assertIn("预计年底可达 13,100家", html)
        chart_text = self.page.inner_text(".plotly-chart")
        self.assertIn("11,300", chart_text)  # the June value is labelled on the chart
        self.assertIn("数值（家）", chart_text)

        self.open("/tasks/?month=6", chart=False)
        self.assertIn("滞后", self.page.locator("tr", has_text="大力培育创新产业集群").inner_text())

        html = self.open("/tasks/9/?month=6")
        self.assertIn("大力培育科技企业", html)
        self.assertGreaterEqual(self.page.locator(".plotly-chart .main-svg").count(), 4)

        self.open("/units/?month=6")
        self.assertIn("已审核·逾期", self.page.inner_text(".plotly-chart"))

        html = self.open("/units/jxj/?month=6", chart=False)
        self.assertIn("市经信局", html)
        self.assertIn("大力培育创新产业集群", html)

        # The month picker submits itself on change.
        self.page.goto(f"{self.live_server_url}/")
        with self.page.expect_navigation():
            self.page.select_option("#as-of-month", "2")
        self.assertIn("month=2", self.page.url)
        self.assertIn("截至2月底", self.page.content())
        self.assert_stayed_local()

    def test_it_reads_at_a_glance_with_readable_labels(self):
        self.page.set_viewport_size({"width": 1440, "height": 900})
        self.log_in()
        self.open("/?month=6")
        # The three answers come before the details and the chart.
        answers = self.page.locator(".answers").bounding_box()
        chart = self.page.locator(".plotly-chart").first.bounding_box()
        self.assertLess(answers["y"] + answers["height"], chart["y"])
        self.assertEqual(self.page.locator(".answers .answer h2").all_inner_texts(), ["哪些滞后", "谁逾期", "年底预计", "督办通知"])
        # Every text the chart draws (ticks, value labels, legend, title) is at least 12 px.
        sizes = self.page.evaluate(
            "Array.from(document.querySelectorAll('.plotly-chart svg text'))"
            ".filter(t => t.textContent.trim()).map(t => parseFloat(getComputedStyle(t).fontSize))"
        )
        self.assertTrue(sizes)
        self.assertGreaterEqual(min(sizes), 12)
        # Pagination is a row of page buttons, not a bullet list (43 targets, 10 a page: five pages).
        self.open("/targets/?month=6&per_page=10", chart=False)
        pagination = self.page.locator("ul.pagination")
        self.assertEqual(pagination.evaluate("e => getComputedStyle(e).display"), "flex")
        self.assertEqual(pagination.evaluate("e => getComputedStyle(e).listStyleType"), "none")
        current = self.page.locator("ul.pagination .active .page-link")
        self.assertEqual(current.inner_text().strip(), "1")
        self.assertEqual(current.evaluate("e => getComputedStyle(e).color"), "rgb(255, 255, 255)")
        tops = self.page.locator("ul.pagination .page-link").evaluate_all("links => links.map(l => l.getBoundingClientRect().top)")
        self.assertEqual(len(set(tops)), 1, "the page buttons sit on one row")
        # A demo report's badge shows its whole word on one line.
        report = MonthlyReport.objects.filter(plan=self.plan, unit__code="jxj", month=6).get()
        MonthlyReport.objects.filter(pk=report.pk).update(is_demo=True)
        self.open(f"/reporting/{report.pk}/", chart=False)
        badge = self.page.locator(".demo-badge")
        self.assertEqual(badge.inner_text(), "演示数据")
        self.assertLessEqual(badge.evaluate("e => e.scrollWidth - e.clientWidth"), 0)
        line = badge.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || parseFloat(getComputedStyle(e).fontSize) * 1.6")
        self.assertLess(badge.bounding_box()["height"], 2 * line)
        self.assert_stayed_local()

    def test_it_fits_a_meeting_room_screen(self):
        self.page.set_viewport_size({"width": 1920, "height": 1080})
        self.log_in()
        self.open("/")
        width = self.page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(width, 1920)
        self.page.screenshot(path=str(SCREENSHOT_DIR / "dashboard-overview-1920.png"), full_page=False)
        self.assert_stayed_local()
