"""Every main page at 390 px, as each persona opens it on a phone: nothing wider than the screen (a wide
table scrolls inside its own box), the navigation folded behind 菜单, charts inside the screen."""

import pytest
from django.test import override_settings

from targets.models import Target
from tasks.models import MonthlyReport, Plan
from tests import dashboard_seed
from tests.browser.base import SCREENSHOT_DIR, ChromiumTestCase
from tests.personas import PASSWORD
from units.accounts import create_account
from units.models import Membership, Unit

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@override_settings(AXES_ENABLED=False)
class PhoneWidthTest(ChromiumTestCase):
    fixtures = ["plan_2023"]

    def setUp(self):
        self.plan = Plan.objects.get(code="2023")
        kjj, jxj = Unit.objects.get(code="kjj"), Unit.objects.get(code="jxj")
        staff = create_account("staff", Membership.Role.STAFF, kjj, PASSWORD)
        create_account("leader", Membership.Role.LEADER, None, PASSWORD)
        create_account("jxj_liaison", Membership.Role.LIAISON, jxj, PASSWORD)
        dashboard_seed.seed_months(self.plan, [1, 2, 3, 4, 5, 6], staff=staff, extra_units=3)
        self.target = Target.objects.get(plan=self.plan, code="T08")
        self.report = MonthlyReport.objects.filter(plan=self.plan, unit=jxj).order_by("-month").first()
        self.page = self.open_browser_page(viewport=PHONE, is_mobile=True, has_touch=True)

    def log_in(self, username):
        self.page.context.clear_cookies()
        self.page.goto(f"{self.live_server_url}/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit].primary")
        self.page.wait_for_load_state("networkidle")

    def pages_of(self, username):
        dashboard = ["/", "/targets/", f"/targets/{self.target.pk}/", "/tasks/", "/tasks/9/", "/units/", "/units/jxj/"]
        return {
            "leader": dashboard + ["/reports/", "/reports/supervision/", "/reports/instructions/", "/reports/assessment/"],
            "staff": dashboard + ["/reporting/review/", "/reporting/grid/", "/reporting/months/",
                                  f"/reporting/{self.report.pk}/", "/reports/", "/reports/reminders/",
                                  "/accounts/manage/", "/accounts/audit/", "/reports/supervision/",
                                  "/reports/instructions/", "/reports/assessment/", "/reports/assessment/jxj/",
                                  "/reporting/suspect/", "/plans/", "/plans/2023/"],
            "jxj_liaison": ["/reporting/", f"/reporting/{self.report.pk}/", "/reporting/month/6/",
                            "/reports/upload/", "/", "/targets/", "/reports/assessment/"],
        }[username]

    def assert_fits(self, path):
        response = self.page.goto(f"{self.live_server_url}{path}")
        self.assertEqual(response.status, 200, path)
        self.page.wait_for_load_state("networkidle")
        width = self.page.evaluate("document.documentElement.scrollWidth")
        name = path.strip("/").replace("/", "-") or "overview"
        if width > PHONE["width"]:
            self.page.screenshot(path=str(SCREENSHOT_DIR / f"phone-{name}.png"), full_page=True)
        self.assertLessEqual(width, PHONE["width"], f"{path} is {width} px wide at 390 px")
        for chart in self.page.locator(".plotly-chart .main-svg").all():
            box = chart.bounding_box()
            self.assertLessEqual(box["x"] + box["width"], PHONE["width"] + 1, f"a chart of {path} is cut")

    def test_every_main_page_fits_a_phone_for_each_persona(self):
        for username in ("leader", "staff", "jxj_liaison"):
            with self.subTest(persona=username):
                self.log_in(username)
                for path in self.pages_of(username):
                    with self.subTest(path=path):
                        self.assert_fits(path)
        self.assert_stayed_local()

    def test_the_navigation_folds_behind_a_menu_on_a_phone(self):
        self.log_in("leader")
        self.page.goto(f"{self.live_server_url}/targets/")
        nav = self.page.locator("nav.mainnav")
        self.assertFalse(nav.is_visible())
        header_height = self.page.locator("header.topbar").bounding_box()["height"]
        self.assertLess(header_height, 140)  # it was about 370 px of stacked links
        self.page.click("label.navtoggle-label")
        self.assertTrue(nav.is_visible())
        self.assertIn("指标", nav.inner_text())

    def test_the_staff_navigation_keeps_to_one_line_on_a_1440_px_screen(self):
        self.page.set_viewport_size({"width": 1440, "height": 900})
        self.log_in("staff")
        self.page.goto(f"{self.live_server_url}/reporting/review/")
        nav = self.page.locator("nav.mainnav").bounding_box()
        self.assertLess(nav["height"], 40, "the staff navigation wraps onto a second line")
        self.assertIn("督办", self.page.locator("nav.mainnav").inner_text())
        # What staff set up sits behind 管理, a menu that opens over the page.
        self.assertNotIn("审计日志", self.page.locator("nav.mainnav").inner_text())
        self.page.click("details.navmore summary")
        self.assertIn("审计日志", self.page.locator("nav.mainnav").inner_text())
        self.assertLess(self.page.locator("nav.mainnav").bounding_box()["height"], 40, "the open menu floats")
