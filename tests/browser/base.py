"""Headless Chromium for the end-to-end tests: Debian's /usr/bin/chromium driven by Playwright.

Importing this module skips the importing test module when Chromium is missing, except under
CI=true, where a missing browser is a failure. Every page a test opens records its requests and
JavaScript errors; `assert_stayed_local()` fails on any request that leaves this server.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
IN_CI = os.environ.get("CI", "").lower() == "true"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SCREENSHOT_DIR = Path(os.environ.get("BROWSER_SCREENSHOT_DIR", "/tmp"))
NAVIGATION_TIMEOUT_MS = 10_000

if not (os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)) and not IN_CI:
    pytest.skip(
        f"Chromium is not installed at {CHROMIUM} (apt-get install chromium fonts-noto-cjk); "
        "the browser tests run in CI.",
        allow_module_level=True,
    )


class ChromiumTestCase(StaticLiveServerTestCase):
    host = "127.0.0.1"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from playwright.sync_api import sync_playwright

        # Playwright's sync API runs an event loop in this thread; set only while the class runs,
        # so that no other test (e.g. `check --deploy` in a subprocess) inherits it.
        cls._async_unsafe_before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        if cls._async_unsafe_before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = cls._async_unsafe_before
        super().tearDownClass()

    def open_browser_page(self, **context_options):
        """A fresh browser context and page, watched for outside requests and script errors."""
        self.requests, self.errors = [], []
        self.context = self.browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **context_options})
        self.addCleanup(self.context.close)
        page = self.context.new_page()
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return page

    # Steps on `self.page`, shared by the journeys.

    def click(self, selector_or_locator):
        """Click something that loads a new page, and wait for it."""
        target = self.page.locator(selector_or_locator) if isinstance(selector_or_locator, str) else selector_or_locator
        with self.page.expect_navigation(timeout=NAVIGATION_TIMEOUT_MS):
            target.click()
        self.page.wait_for_load_state("load")

    def text(self, selector="main"):
        return self.page.inner_text(selector)

    def messages(self):
        """The flash messages shown at the top of the page, or ""."""
        return self.text("ul.messages") if self.page.locator("ul.messages").count() else ""

    def assert_stayed_local(self):
        outside = [url for url in self.requests if urlparse(url).hostname not in LOCAL_HOSTS and not url.startswith("data:")]
        self.assertEqual(outside, [], "requests left this server")
        self.assertEqual(self.errors, [], "JavaScript errors")
