"""The API's documentation page (/api/v1/docs/) in Chromium: Swagger UI runs under the site's CSP
(scripts from 'self' only, no violation, no console error), loads the schema, and nothing it loads
leaves this server."""

import pytest
from django.test import override_settings

from tests.browser.base import ChromiumTestCase
from tests.personas import PASSWORD
from units.accounts import create_account
from units.models import Membership, Unit

pytestmark = pytest.mark.browser

WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@override_settings(AXES_ENABLED=False)
class ApiDocsInBrowserTest(ChromiumTestCase):
    fixtures = ["plan_2023"]

    def setUp(self):
        create_account("kjj_staff", Membership.Role.STAFF, Unit.objects.get(code="kjj"), PASSWORD)
        self.page = self.open_browser_page()
        self.console_errors = []
        self.page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        self.page.add_init_script(WATCH_CSP)

    def test_it_shows_every_endpoint_under_the_csp_with_local_assets_only(self):
        self.page.goto(f"{self.live_server_url}/accounts/login/")
        self.page.fill("input[name=username]", "kjj_staff")
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit], input[type=submit]")
        self.page.wait_for_load_state("networkidle")
        self.page.goto(f"{self.live_server_url}/api/v1/docs/")
        self.page.wait_for_selector(".opblock-summary-path", timeout=15000)
        paths = self.page.locator(".opblock-summary-path").all_inner_texts()
        self.assertIn("/api/v1/target-standings/", paths)
        self.assertIn("/api/v1/coordination-matters/{id}/", paths)
        self.assertEqual(self.page.evaluate("window.cspViolations"), [])
        self.assertEqual(self.console_errors, [])
        self.assert_stayed_local()
