"""End-to-end: the command-room screen in headless Chromium at 1920×1080, opened with a kiosk link
(no personal login): its figures are drawn from the API, equal the overview's, the page fits the
screen without scrollbars, and nothing leaves this server and no script fails."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from api.models import ApiToken
from tasks.models import Plan
from tests import dashboard_seed
from tests.browser.base import SCREENSHOT_DIR, ChromiumTestCase
from tests.personas import PASSWORD
from units.accounts import create_account
from units.models import Membership, Unit

pytestmark = pytest.mark.browser


@override_settings(AXES_ENABLED=False)
class ScreenInBrowserTest(ChromiumTestCase):
    fixtures = ["plan_2023"]

    def setUp(self):
        self.plan = Plan.objects.get(code="2023")
        staff = create_account("staff", Membership.Role.STAFF, Unit.objects.get(code="kjj"), PASSWORD)
        create_account("leader", Membership.Role.LEADER, None, PASSWORD)
        dashboard_seed.seed_months(self.plan, [1, 2, 3], staff=staff, extra_units=3)
        _token, self.key = ApiToken.issue("指挥中心大屏", timezone.now() + timedelta(days=30), staff,
                                          kind=ApiToken.Kind.KIOSK)
        self.page = self.open_browser_page(viewport={"width": 1920, "height": 1080})
        self.console_errors = []
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))

    def overview_counts(self, month):
        """The overview's figures for `month`, as a leader's page shows them (its context)."""
        self.client.login(username="leader", password=PASSWORD)
        context = self.client.get("/", {"month": month}).context
        return ({c["code"]: c["count"] for c in context["target_cards"]},
                {c["code"]: c["count"] for c in context["task_cards"]}, len(context["late_units"]))

    def test_it_shows_the_overviews_figures_at_1920_by_1080_with_a_kiosk_link(self):
        response = self.page.goto(f"{self.live_server_url}/screen/?kiosk={self.key}&month=3")
        self.assertEqual(response.status, 200)
        # The link's page posts the key at once (a GET never writes); the key leaves the address bar.
        self.page.wait_for_url(f"{self.live_server_url}/screen/?month=3", timeout=20000)
        self.page.wait_for_selector("body[data-loaded]", timeout=20000)
        self.page.screenshot(path=str(SCREENSHOT_DIR / "screen-1920x1080.png"))

        targets, tasks, late = self.overview_counts(3)
        shown = self.page.eval_on_selector_all(
            "#target-tiles .tile", "tiles => tiles.map(t => [t.dataset.status, t.querySelector('.num').textContent])")
        self.assertEqual({code: int(n) for code, n in shown}, targets)
        shown = self.page.eval_on_selector_all(
            "#task-tiles .tile", "tiles => tiles.map(t => [t.dataset.status, t.querySelector('.num').textContent])")
        self.assertEqual({code: int(n) for code, n in shown}, tasks)
        self.assertEqual(self.page.inner_text("#late-count"), f"{late} 家")
        self.assertEqual(self.page.inner_text("#as-of"), "截至3月底")
        self.assertEqual(self.page.locator("#trend .month").count(), 3)
        self.assertIn("滞后", self.page.inner_text("#behind-tasks"))  # task 7

        size = self.page.evaluate("""() => ({
            width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight,
            bodyWidth: document.body.scrollWidth, bodyHeight: document.body.scrollHeight})""")
        self.assertLessEqual(size["width"], 1920, size)
        self.assertLessEqual(size["height"], 1080, size)
        self.assertLessEqual(size["bodyWidth"], 1920, size)
        self.assertLessEqual(size["bodyHeight"], 1080, size)
        # Large type: the status counts are read from across the room.
        font = self.page.eval_on_selector("#target-tiles .num", "n => parseFloat(getComputedStyle(n).fontSize)")
        self.assertGreaterEqual(font, 80)
        self.assertTrue(self.page.locator("#screen-alert").is_hidden())
        self.assert_stayed_local()
        self.assertEqual(self.console_errors, [], "console errors")

    def test_it_tells_the_room_when_the_kiosk_link_is_revoked(self):
        self.page.goto(f"{self.live_server_url}/screen/?kiosk={self.key}")
        self.page.wait_for_url(f"{self.live_server_url}/screen/", timeout=20000)
        self.page.wait_for_selector("body[data-loaded]", timeout=20000)
        ApiToken.objects.update(revoked_at=timezone.now())
        self.page.evaluate("() => window.location.reload()")
        self.page.wait_for_load_state("networkidle")
        self.assertIn("大屏链接已失效", self.page.inner_text("body"))
