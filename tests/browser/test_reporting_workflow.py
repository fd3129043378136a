"""End-to-end, issue 3's "done when": in headless Chromium (Debian's /usr/bin/chromium), in
Chinese, the 市地方金融局 liaison made by `seed_demo` signs in, sees only its unit's targets and
tasks as editable, enters December's values and task progress, submits; the bureau account
returns it with a reason; the liaison fixes a value and resubmits; the bureau approves; the
liaison sees it approved and locked. Every step is a click on the real page, no direct POST.
Skipped when Chromium is missing, except under CI=true where that is a failure.
"""

import io
import os
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command

from reporting.management.commands.seed_demo import DEFAULT_PASSWORD
from targets.models import TargetValue
from tasks.models import MonthlyReport, Plan, ProgressReport
from tests.browser.base import SCREENSHOT_DIR, ChromiumTestCase
from tests.reminders_support import deliveries_run_here
from units.models import Unit

TIMEOUT_MS = 10_000

pytestmark = pytest.mark.browser

LIAISON = "jrj_liaison"  # 市地方金融局: reports T16, T17, T18, T43 and progress on tasks 19 and 21
STAFF = "kjj_staff"
MONTH = 12
# What the liaison types first, and the one figure the bureau sends back to be fixed.
FIRST_VALUES = {"T16": "12.5", "T17": "11.8", "T18": "13.2", "T43": "31.5"}
FIXED_CODE, FIXED_VALUE = "T43", "32.8"
RETURN_REASON = "武创科技成果转化基金规模与基金管理人年报不一致，请核实后重新报送。"
PROGRESS = {
    19: {"work_done": "开展知识产权质押融资入园惠企活动3场，新增质押登记12笔。", "problems": "部分企业知识产权评估难。",
         "next_steps": "扩大知识产权质押融资风险补偿资金池。", "status": "正常推进"},
    21: {"work_done": "科技金融服务体系年度任务全部完成，举办投融资路演8场。", "problems": "无明显问题。",
         "next_steps": "总结全年工作，谋划2024年科技金融政策。", "status": "已完成",
         "coordination": "请市财政局协调落实科技贷款贴息资金。"},
}
OTHER_UNIT_ITEMS = ["大力培育创新产业集群", "打造人工智能发展高地", "高新技术企业数"]  # 市经信局's tasks, 市科技局's target


class ReportingWorkflowInBrowserTest(ChromiumTestCase):
    fixtures = ["plan_2023"]

    def setUp(self):
        self.plan = Plan.objects.get(code="2023")
        # The accounts exactly as an operator makes them: seed_demo with its printed default password.
        env = {k: v for k, v in os.environ.items() if k != "DEMO_PASSWORD"}
        out = io.StringIO()
        with mock.patch.dict(os.environ, env, clear=True):
            call_command("seed_demo", "--progress", "--until", "2023-11", stdout=out)
        self.assertIn(f"演示账户（密码：{DEFAULT_PASSWORD}）", out.getvalue())
        self.assertIn("单位代码_liaison", out.getvalue())  # jrj_liaison by that rule
        # The returned-report email goes through the reminders' delivery: run it here, as a worker would.
        self.enterContext(deliveries_run_here())
        self.unit = Unit.objects.get(code="jrj")
        self.other_report = MonthlyReport.objects.get(plan=self.plan, unit__code="jxj", month=11)
        self.assertFalse(MonthlyReport.objects.filter(plan=self.plan, unit=self.unit, month=MONTH).exists())
        mail.outbox = []

        self.page = self.open_browser_page(locale="zh-CN")
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.set_default_navigation_timeout(TIMEOUT_MS)

    # Steps

    def log_in(self, username):
        response = self.page.goto(f"{self.live_server_url}/accounts/login/")
        self.assertEqual(response.status, 200)
        self.assertEqual(self.page.get_attribute("html", "lang"), "zh-hans")
        self.assertIn("登录", self.page.title())
        self.assertIn("登录", self.text("main h1"))
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", DEFAULT_PASSWORD)
        self.click("main button[type=submit].primary")
        self.assertNotIn("/accounts/login/", self.page.url, self.text())
        self.assertIn(username, self.text("header .who"))

    def log_out(self):
        self.click("header form[action$='/accounts/logout/'] button")
        self.assertIn("/accounts/login/", self.page.url)
        self.assertNotIn("退出", self.text("header"))

    def report_status(self):
        return self.text("#report-status .report-status")

    def month_row(self):
        """The row of December in the home page's table of months."""
        return self.page.locator("table tr", has=self.page.locator("td", has_text=re.compile(rf"^{MONTH}月$")))

    def fill_values(self, values):
        for code, number in values.items():
            row = self.page.locator(f"#row-{code}")
            row.locator("input[name$='_value']").fill(number)
            row.locator("input[name$='_source']").fill("市地方金融局统计")
        self.click("#values-form ~ p button.secondary")  # 保存草稿
        self.assertIn(f"已保存 {len(values)} 项指标数值。", self.messages(), self.text())

    def fill_progress(self, number, data):
        self.click(self.page.locator(f"#task-{number} h3 a", has_text="填报"))
        self.assertIn(f"{number}.", self.text("main h1"))
        self.page.fill("#id_work_done", data["work_done"])
        self.page.fill("#id_problems", data["problems"])
        self.page.fill("#id_next_steps", data["next_steps"])
        self.page.select_option("#id_self_status", label=data["status"])
        if data.get("coordination"):
            self.page.check("#id_needs_coordination")
            self.page.fill("#id_coordination_matter", data["coordination"])
        self.click("#progress-form button.secondary")  # 保存草稿
        self.assertIn(f"已保存任务 {number} 的月度进展。", self.messages(), self.text())

    def screenshot(self, name):
        self.page.screenshot(path=str(SCREENSHOT_DIR / f"reporting-{name}.png"), full_page=True)

    # The workflow

    def test_it_takes_a_liaisons_month_from_draft_through_return_to_approval(self):
        # 1. The liaison signs in on the Chinese login page and lands on 本单位报送.
        self.log_in(LIAISON)
        self.assertTrue(self.page.url.endswith("/reporting/"), self.page.url)
        self.assertIn("本单位报送", self.page.title())
        home = self.text()
        self.assertIn("市地方金融局 · 2023年月度报送", home)
        self.assertIn("4 项指标，2 项重点任务", home)
        self.assertIn("已审核", self.month_row().locator("xpath=preceding-sibling::tr[1]").inner_text())  # November, demo

        # 2. It opens December: the empty values form of its own unit, and nothing is stored until it
        #    saves (opening a month is a GET); the first save creates the draft.
        self.click(self.month_row().locator("a", has_text="填报"))
        self.assertTrue(self.page.url.endswith(f"/reporting/month/{MONTH}/"), self.page.url)
        self.assertFalse(MonthlyReport.objects.filter(plan=self.plan, unit=self.unit, month=MONTH).exists())
        self.assertIn("12月 · 指标数值", self.text("main h1"))
        self.assertIn("本月报送尚未建立", self.text())
        self.assertEqual(self.page.locator("#values-form tbody tr").count(), 4)
        self.click(self.page.locator("form button.secondary", has_text="保存草稿"))
        self.assertRegex(self.page.url, r"/reporting/\d+/$")
        self.assertIn("已建立本月报送草稿", self.messages())
        report = MonthlyReport.objects.get(plan=self.plan, unit=self.unit, month=MONTH)
        self.assertIn("市地方金融局 2023年12月报送", self.text("main h1"))
        self.assertEqual(self.report_status(), "草稿")
        self.assertEqual(self.page.locator("#values tbody tr").count(), 4)
        self.assertEqual(
            sorted(self.page.locator("[id^=task-]").evaluate_all("els => els.map(e => e.id)")), ["task-19", "task-21"]
        )
        for item in OTHER_UNIT_ITEMS:
            self.assertNotIn(item, self.text())

        self.click(self.page.locator("#report-status a", has_text="填报指标数值"))
        self.assertIn("12月 · 指标数值", self.text("main h1"))
        rows = self.page.locator("#values-form tbody tr").evaluate_all("els => els.map(e => e.id)")
        self.assertEqual(sorted(rows), ["row-T16", "row-T17", "row-T18", "row-T43"])
        self.assertEqual(self.page.locator("#values-form input[name$='_value']:not([disabled])").count(), 4)
        self.assertIn("亿元", self.text("#row-T43"))  # the unit of measure, and last month's demo value
        self.assertRegex(self.page.locator("#row-T43 td.num").nth(1).inner_text(), r"\d")
        for item in OTHER_UNIT_ITEMS:
            self.assertNotIn(item, self.text())

        # Another unit's report, reached by editing the URL, is the 404 page, not its figures.
        response = self.page.goto(f"{self.live_server_url}/reporting/{self.other_report.pk}/")
        self.assertEqual(response.status, 404)
        self.assertIn("页面不存在", self.text())
        self.assertNotIn("市经信局", self.text())
        response = self.page.goto(f"{self.live_server_url}/reporting/{self.other_report.pk}/values/")
        self.assertEqual(response.status, 404)
        self.page.goto(f"{self.live_server_url}/reporting/{report.pk}/values/")

        # 3. Values and progress of every item, then submit.
        self.fill_values(FIRST_VALUES)
        self.assertEqual(self.text("#value-T43 td.num >> nth=2"), "31.5")
        for number, data in PROGRESS.items():
            self.fill_progress(number, data)
        self.assertIn("正常推进", self.text("#task-19 h3"))
        self.assertIn("需市级协调", self.text("#task-21"))
        self.screenshot("draft")
        self.click("#report-status form button.primary")  # 报送
        self.assertIn("已报送", self.messages())
        self.assertEqual(self.report_status(), "已报送待审核")
        self.assertIn("逾期报送", self.text("#report-status"))  # December's deadline (5 Jan 2024) is past
        self.assertEqual(self.page.locator("#report-status a", has_text="填报指标数值").count(), 0)
        self.log_out()

        # 4. The bureau returns it with a reason, from its review queue.
        self.log_in(STAFF)
        self.click(self.page.locator("header nav a", has_text="审核"))
        self.assertIn("报送审核", self.text("main h1"))
        row = self.page.locator(f"#queue #report-{report.pk}")
        self.assertIn("市地方金融局", row.inner_text())
        self.assertIn("2023年12月", row.inner_text())
        self.assertIn(LIAISON, row.inner_text())
        self.click(row.locator("a", has_text="退回"))
        self.assertIn("31.5", self.text("#value-T43"))
        self.page.fill("#return textarea[name='return-reason']", RETURN_REASON)
        self.click("#return button.danger")
        self.assertIn("已退回，并已邮件通知报送人。", self.messages())
        self.assertEqual(self.report_status(), "已退回")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [f"{LIAISON}@example.gov.cn"])
        self.assertIn(RETURN_REASON, mail.outbox[0].body)
        self.log_out()

        # 5. The liaison sees the return and its reason at home, fixes the value and resubmits.
        self.log_in(LIAISON)
        notice = self.text(f"#returned-{MONTH}")
        self.assertIn("12月报送已退回", notice)
        self.assertIn(RETURN_REASON, notice)
        self.assertIn("已退回", self.month_row().inner_text())
        self.click(self.page.locator(f"#returned-{MONTH} a", has_text="修改后重新报送"))
        self.assertIn(RETURN_REASON, self.text("#report-status"))
        self.click(self.page.locator("#report-status a", has_text="填报指标数值"))
        self.assertEqual(self.page.input_value("#row-T43 input[name$='_value']"), "31.5")
        self.assertEqual(self.page.input_value("#row-T16 input[name$='_value']"), "12.5")
        self.page.fill("#row-T43 input[name$='_value']", FIXED_VALUE)
        self.page.fill("#row-T43 textarea[name$='_note']", "按基金管理人年报更正。")
        self.click("#values-form ~ p button.secondary")  # 保存草稿
        self.assertIn("已保存 1 项指标数值。", self.messages())
        self.assertEqual(self.text("#value-T43 td.num >> nth=2"), FIXED_VALUE)
        self.click("#report-status form button.primary")
        self.assertEqual(self.report_status(), "已报送待审核")
        self.log_out()

        # 6. The bureau approves it from the queue.
        self.log_in(STAFF)
        self.click(self.page.locator("header nav a", has_text="审核"))
        self.click(self.page.locator(f"#queue #report-{report.pk} button", has_text="审核通过"))
        self.assertIn("已审核通过 1 份报送。", self.messages())
        self.assertIn("没有待审核的报送。", self.text())
        self.log_out()

        # 7. The liaison sees it approved and no longer editable.
        self.log_in(LIAISON)
        self.assertIn("已审核", self.month_row().inner_text())
        self.assertEqual(self.page.locator(f"#returned-{MONTH}").count(), 0)
        self.click(self.month_row().locator("a", has_text="查看"))
        self.assertEqual(self.report_status(), "已审核")
        self.assertIn(FIXED_VALUE, self.text("#value-T43"))
        self.assertEqual(self.page.locator("#report-status a", has_text="填报指标数值").count(), 0)
        self.assertEqual(self.page.locator("#report-status form").count(), 0)  # no 报送 button
        self.assertEqual(self.page.locator("[id^=task-] h3 a").count(), 0)  # no 修改 / 填报 links
        self.screenshot("approved")
        response = self.page.goto(f"{self.live_server_url}/reporting/{report.pk}/values/")
        self.assertEqual(response.status, 403)
        self.assertIn("无权访问", self.text())
        self.page.go_back()
        self.click(self.page.locator("#report-status a", has_text="修改历史"))
        history = self.text()
        self.assertIn("武创科技成果转化基金规模", history)
        self.assertIn(RETURN_REASON, history)
        self.assert_stayed_local()

        # 8. What was stored: approved, the fixed figure exactly as typed, and every version kept.
        report.refresh_from_db()
        self.assertEqual(report.status, MonthlyReport.Status.APPROVED)
        self.assertTrue(report.is_late)
        self.assertEqual(report.submitted_by.username, LIAISON)
        self.assertEqual(report.reviewed_by.username, STAFF)
        values = {v.target.code: v for v in TargetValue.objects.filter(report=report).select_related("target")}
        self.assertEqual(sorted(values), sorted(FIRST_VALUES))
        self.assertEqual(values[FIXED_CODE].value, Decimal(FIXED_VALUE))
        self.assertEqual(values[FIXED_CODE].version, 2)
        self.assertEqual(values[FIXED_CODE].updated_by.username, LIAISON)
        for code in ("T16", "T17", "T18"):
            self.assertEqual(values[code].value, Decimal(FIRST_VALUES[code]))
            self.assertEqual(values[code].version, 1)
        self.assertEqual(
            [h.value for h in values[FIXED_CODE].history.order_by("history_date", "history_id")],
            [Decimal("31.5"), Decimal(FIXED_VALUE)],
        )
        progress = {p.task.number: p for p in ProgressReport.objects.filter(report=report).select_related("task")}
        self.assertEqual(sorted(progress), [19, 21])
        self.assertEqual(progress[19].self_status, ProgressReport.SelfStatus.ON_TRACK)
        self.assertEqual(progress[21].self_status, ProgressReport.SelfStatus.DONE)
        self.assertTrue(progress[21].needs_coordination)
        self.assertEqual(progress[21].coordination_matter, PROGRESS[21]["coordination"])
        statuses = list(report.history.order_by("history_date", "history_id").values_list("status", "history_user__username"))
        self.assertEqual(
            statuses[-4:],
            [("submitted", LIAISON), ("returned", STAFF), ("submitted", LIAISON), ("approved", STAFF)],
        )
        self.assertEqual(report.history.filter(status="returned").get().return_reason, RETURN_REASON)
