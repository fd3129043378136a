"""End-to-end, issue 19's "done when" for the urging ladder: in headless Chromium, in Chinese, a
催办单 issued by the ladder (time frozen on Tuesday 6 June 2023, the first working day after May's
deadline) reaches 市经信局's liaison, who opens it from the home page, signs for it (签收) and replies
with 办理情况 and a date; then bureau staff sign in and close it. Each sees the status words of
their step, no script error, nothing fetched off this server; every step is in the history.
Skipped when Chromium is missing, except under CI=true where that is a failure.
"""

import pytest
import time_machine

from reports.models import UrgingNotice
from reports.supervision import ladder
from tasks.models import MonthlyReport, Plan
from tasks.reporting import reporting_units
from tests.browser.base import ChromiumTestCase
from tests.reminders_support import at
from units.accounts import create_account
from units.models import Membership, Unit

TIMEOUT_MS = 10_000
PASSWORD = "Demo-Passw0rd!"
REPLY = "已于6月7日补报5月工作进展，并明确专人负责月度报送。"

pytestmark = pytest.mark.browser


class UrgingNoticeInBrowserTest(ChromiumTestCase):
    fixtures = ["plan_2023"]

    def setUp(self):
        plan = Plan.objects.get(code="2023")
        jxj = Unit.objects.get(code="jxj")
        # Every reporting unit has sent January to May, except 市经信局 its May report.
        MonthlyReport.objects.bulk_create(
            MonthlyReport(plan=plan, unit=unit, month=month, status=MonthlyReport.Status.APPROVED)
            for unit in reporting_units(plan) for month in range(1, 6) if (unit, month) != (jxj, 5)
        )
        create_account("jxj_liaison", Membership.Role.LIAISON, jxj, PASSWORD, email="jxj@example.gov.cn")
        create_account("kjj_staff", Membership.Role.STAFF, Unit.objects.get(code="kjj"), PASSWORD,
                       email="staff@example.gov.cn")
        with time_machine.travel(at(2023, 6, 6, 10, 30), tick=False):
            issued, _message_ids = ladder.run()
        [self.notice] = issued
        self.assertEqual(self.notice.number, "催办〔2023〕第1号")
        self.page = self.open_browser_page(locale="zh-CN")
        # Script errors are recorded by the base; console errors too (a CSP refusal is only one of those).
        self.console_errors = []
        self.page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.set_default_navigation_timeout(TIMEOUT_MS)

    def status(self):
        return self.text("#notice-status")

    def log_in(self, username):
        self.page.goto(f"{self.live_server_url}/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.click("main button[type=submit].primary")
        self.assertNotIn("/accounts/login/", self.page.url, self.text())

    def log_out(self):
        self.click("header form[action$='/accounts/logout/'] button")
        self.assertIn("/accounts/login/", self.page.url)

    def test_a_liaison_signs_for_and_answers_a_urge_notice_and_staff_close_it(self):
        # 1. The liaison lands on 本单位报送, where the open 催办单 is listed, and opens it.
        self.log_in("jxj_liaison")
        self.assertTrue(self.page.url.endswith("/reporting/"), self.page.url)
        listed = self.text("#open-notices")
        self.assertIn("催办单 催办〔2023〕第1号", listed)
        self.assertIn("市经信局2023年5月工作进展逾期未报送", listed)
        self.assertIn("待签收", listed)
        self.click(self.page.locator("#open-notices a", has_text="催办〔2023〕第1号"))
        self.assertIn("催办单 催办〔2023〕第1号", self.text("main h1"))
        self.assertEqual(self.status(), "待签收")
        self.assertIn("请于2023年6月9日前完成报送", self.text("#notice"))
        self.assertEqual(self.page.locator("#close-form").count(), 0)  # closing is staff's

        # 2. 签收.
        self.click("#sign-form button")
        self.assertIn("已签收。", self.text("ul.messages"))
        self.assertEqual(self.status(), "已签收")
        self.assertEqual(self.page.locator("#sign-form").count(), 0)

        # 3. 办理情况 and the date it will be done by.
        self.page.fill("#id_reply", REPLY)
        self.page.fill("#id_promised_on", "2023-06-08")
        self.click("#reply-form button")
        self.assertIn("办理情况已提交。", self.text("ul.messages"))
        self.assertEqual(self.status(), "已回复")
        self.assertIn(REPLY, self.text("#notice-reply"))
        self.assertIn("2023年6月8日", self.text("#notice-reply"))
        self.log_out()

        # 4. Staff open it from the list of notices and close it.
        self.log_in("kjj_staff")
        self.page.goto(f"{self.live_server_url}/reports/supervision/?open=true")
        self.click(self.page.locator("main table a", has_text="催办〔2023〕第1号"))
        self.assertEqual(self.status(), "已回复")
        self.assertIn(REPLY, self.text("#notice-reply"))
        self.page.fill("#id_note", "已补报，予以办结。")
        self.click("#close-form button")
        self.assertIn("已办结。", self.text("ul.messages"))
        self.assertEqual(self.status(), "已办结")
        self.assertIn("已补报，予以办结。", self.text("#notice-closing"))
        self.assertEqual(self.page.locator("#close-form").count() + self.page.locator("#reply-form").count(), 0)
        history = self.text("#notice-history")
        for step in ("印发", "签收", "回复办理情况", "办结"):
            self.assertIn(step, history)
        self.log_out()

        # 5. Closed, it has left the liaison's home.
        self.log_in("jxj_liaison")
        self.assertEqual(self.page.locator("#open-notices").count(), 0)
        notice = UrgingNotice.objects.get(pk=self.notice.pk)
        self.assertEqual((notice.status, notice.reply, str(notice.promised_on)),
                         (UrgingNotice.Status.CLOSED, REPLY, "2023-06-08"))
        self.assert_stayed_local()
        self.assertEqual(self.console_errors, [], "console errors")
