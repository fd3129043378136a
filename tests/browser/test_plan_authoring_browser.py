"""End-to-end, issue 20's "done when" for authoring a plan: in headless Chromium, in Chinese, bureau
staff copy the 2023 plan to a 2024 draft, change three targets' values and task 7's units (adding
市地方金融局 as its first responsible unit), and publish it; then 市地方金融局's liaison signs in,
enters January 2024's figures (T43 among them, whose target staff raised to 35亿元) and progress on
its tasks — task 7 among them, through the new assignment — saves and submits, and sees it submitted
on time. Time runs from Friday 2 February 2024, 10:00 in Wuhan, when January's report is due.
Every step is a click on the real page. Skipped when Chromium is missing, except under CI=true.
"""

import re

import pytest
import time_machine
from django.test import override_settings

from targets.models import Target
from tasks.models import MonthlyReport, Plan, ProgressReport
from tests.browser.base import SCREENSHOT_DIR, ChromiumTestCase
from tests.personas import PASSWORD
from tests.reminders_support import at
from units.accounts import create_account
from units.models import Membership, Unit

TIMEOUT_MS = 10_000

pytestmark = pytest.mark.browser

STAFF, LIAISON = "kjj_staff", "jrj_liaison"
TITLE = "2024年武汉市科技创新工作要点"
# The three targets staff change: (name on the plan page, new value, the plan page's wording after).
TARGETS = {
    "T08": ("高新技术企业数", "14000", "突破14,000家"),
    "T03": ("获批建设全国重点实验室", "12", "12家以上"),
    "T43": ("武创科技成果转化基金规模", "35", "不低于35亿元"),
}
TASK_NUMBER, TASK_TITLE = 7, "大力培育创新产业集群"
# Task 7's responsible units after the change, in the order staff number them.
RESPONSIBLE = [("jrj", "市地方金融局"), ("wxb", "市委网信办"), ("gqrmzf", "各区人民政府")]
# 市地方金融局 reports T16 and T43 monthly (T17, T18 quarterly: not in January) and progress on
# tasks 19 and 21 (2023 and the copy), and now on task 7.
VALUES = {"T16": "10.5", "T43": "31.2"}
PROGRESS = {
    7: "设立产业集群专项信贷产品，1月投放科技贷款12亿元。",
    19: "开展知识产权质押融资入园惠企活动2场。",
    21: "举办科技金融投融资路演3场。",
}


# The CSRF cookie lives a year from the frozen 2024 clock, in the past for Chromium's own clock: it
# would be dropped. A cookie for the browser's session keeps the forms working, as in production.
@override_settings(CSRF_COOKIE_AGE=None)
class PlanAuthoringInBrowserTest(ChromiumTestCase):
    fixtures = ["plan_2023"]

    def setUp(self):
        self.traveller = time_machine.travel(at(2024, 2, 2, 10, 0), tick=True)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)
        self.unit = Unit.objects.get(code="jrj")
        create_account(STAFF, Membership.Role.STAFF, Unit.objects.get(code="kjj"), PASSWORD, email="staff@example.gov.cn")
        create_account(LIAISON, Membership.Role.LIAISON, self.unit, PASSWORD, email="jrj@example.gov.cn")
        self.page = self.open_browser_page(locale="zh-CN")
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.set_default_navigation_timeout(TIMEOUT_MS)

    # Steps

    def log_in(self, username):
        self.page.goto(f"{self.live_server_url}/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.click("main button[type=submit].primary")
        self.assertNotIn("/accounts/login/", self.page.url, self.text())
        self.assertIn(username, self.text("header .who"))

    def log_out(self):
        self.click("header form[action$='/accounts/logout/'] button")
        self.assertIn("/accounts/login/", self.page.url)

    def row(self, table, first_cell):
        """The row of the plan page's `table` (#tasks, #targets) whose first cell is `first_cell`."""
        cell = self.page.locator("td:first-child", has_text=re.compile(rf"^{re.escape(str(first_cell))}$"))
        return self.page.locator(f"{table} tbody tr", has=cell)

    def task_row(self, number):
        return self.row("#tasks", number)

    def target_row(self, code):
        return self.row("#targets", code)

    def screenshot(self, name):
        self.page.screenshot(path=str(SCREENSHOT_DIR / f"plan-authoring-{name}.png"), full_page=True)

    # The flow

    def test_staff_copy_2023_to_a_2024_draft_edit_and_publish_it_and_a_liaison_reports_january(self):
        # 1. Staff copy the 2023 plan into a 2024 draft from the plans list.
        self.log_in(STAFF)
        self.page.goto(f"{self.live_server_url}/plans/")
        self.click(self.page.locator("main a", has_text="复制为下一年度草稿"))
        self.assertEqual(self.page.input_value("#id_year"), "2024")  # the year after the latest published plan
        self.page.fill("#id_code", "2024")
        self.page.fill("#id_title", TITLE)
        self.page.fill("#id_document_number", "武政办〔2024〕1号")
        self.click(self.page.locator("main button", has_text="复制为草稿"))
        self.assertTrue(self.page.url.endswith("/plans/2024/"), self.page.url)
        self.assertIn(f"已复制为草稿“{TITLE}”", self.messages())
        self.assertIn("草稿：尚未发布，不接受报送。", self.text())
        self.assertIn("突破13,000家", self.target_row("T08").inner_text())

        # 2. Three targets get their 2024 values, each on its own page.
        for code, (name, value, wording) in TARGETS.items():
            self.click(self.target_row(code).get_by_role("link", name=name, exact=True))
            self.assertIn(f"修改指标 {code}", self.text("main h1"))
            self.page.fill("#id_value", value)
            self.click(self.page.locator("main button.primary", has_text="保存"))
            self.assertIn("已保存。", self.messages())
            self.assertIn(wording, self.target_row(code).inner_text())

        # 3. Task 7's units: 市地方金融局 becomes its first responsible unit, the others follow.
        self.click(self.task_row(TASK_NUMBER).get_by_role("link", name=TASK_TITLE))
        self.assertIn(f"修改任务 {TASK_NUMBER}", self.text("main h1"))
        row = self.page.locator("#unit-jrj")
        row.locator("select").select_option(label="责任单位")
        for position, (code, _name) in enumerate(RESPONSIBLE, start=1):
            self.page.locator(f"#unit-{code} input[type=number]").fill(str(position))
        self.screenshot("task-units")
        self.click(self.page.locator("#task-form button.primary"))
        self.assertIn("已保存。", self.messages())
        task_row = self.task_row(TASK_NUMBER).inner_text()
        self.assertIn("市经信局、市发改委、市科技局", task_row)
        self.assertIn("、".join(name for _code, name in RESPONSIBLE), task_row)

        # 4. Publish it.
        self.click(self.page.locator("main a.button", has_text="发布"))
        self.assertIn(f"确认发布“{TITLE}”（22 项任务、43 项指标）", self.text())
        self.click(self.page.locator("main button", has_text="确认发布"))
        self.assertIn(f"“{TITLE}”已发布，可以开始报送。", self.messages())
        self.assertEqual(self.text(".section-head .state"), "已发布")
        self.assertNotIn("草稿：尚未发布", self.text())
        for code, (_name, _value, wording) in TARGETS.items():
            self.assertIn(wording, self.target_row(code).inner_text())
        self.assertIn("、".join(name for _code, name in RESPONSIBLE), self.task_row(TASK_NUMBER).inner_text())
        self.screenshot("published")
        self.log_out()

        # 5. The liaison of 市地方金融局 lands on the 2024 plan, January due, task 7 among its items.
        self.log_in(LIAISON)
        self.assertTrue(self.page.url.endswith("/reporting/"), self.page.url)
        self.assertIn("市地方金融局 · 2024年月度报送", self.text("main h1"))
        due = self.text("#due")
        self.assertIn("本月应报：1月", due)
        self.assertIn("指标 T43 武创科技成果转化基金规模", due)
        self.assertIn(f"任务 {TASK_NUMBER}. {TASK_TITLE}", due)
        self.assertNotIn("已逾期", due)
        self.assertIn("2 项指标，3 项重点任务", self.text())

        # 6. January's figures: the values form shows the 2024 targets, and the first save makes the draft.
        self.click(self.page.locator("#due a", has_text="填报本月"))
        self.assertIn("市地方金融局 2024年1月 · 指标数值", self.text("main h1"))
        self.assertIn("不低于35亿元", self.text("#row-T43"))
        for code, number in VALUES.items():
            self.page.fill(f"#row-{code} input[name$='_value']", number)
            self.page.fill(f"#row-{code} input[name$='_source']", "市地方金融局统计")
        self.click(self.page.locator("main button.secondary", has_text="保存草稿"))
        self.assertIn("已建立本月报送草稿。", self.messages())
        self.assertIn("已保存 2 项指标数值。", self.messages())
        self.assertIn("市地方金融局 2024年1月报送", self.text("main h1"))
        self.assertEqual(
            sorted(self.page.locator("[id^=task-]").evaluate_all("els => els.map(e => e.id)")),
            ["task-19", "task-21", "task-7"],
        )

        # 7. Progress on each of its three tasks, then submit.
        for number, work_done in PROGRESS.items():
            self.click(self.page.locator(f"#task-{number} h3 a", has_text="填报"))
            self.assertIn(f"{number}.", self.text("main h1"))
            self.page.fill("#id_work_done", work_done)
            self.page.fill("#id_next_steps", "继续推进。")
            self.page.select_option("#id_self_status", label="正常推进")
            self.click("#progress-form button.secondary")  # 保存草稿
            self.assertIn(f"已保存任务 {number} 的月度进展。", self.messages())
        self.click("#report-status form button.primary")  # 报送
        self.assertIn("已报送", self.messages())
        self.assertEqual(self.text("#report-status .report-status"), "已报送待审核")
        self.assertNotIn("逾期报送", self.text("#report-status"))
        self.screenshot("submitted")
        self.page.goto(f"{self.live_server_url}/reporting/")
        january = self.page.locator("table tr", has=self.page.locator("td", has_text=re.compile(r"^1月$")))
        self.assertIn("按时报送", january.inner_text())
        self.assertIn("2024-02-02", january.inner_text())
        self.assert_stayed_local()

        # 8. What was stored: the 2024 plan published with the changed targets and units, and
        #    January's report against it, submitted on time with the three tasks' progress.
        plan = Plan.objects.get(code="2024")
        self.assertEqual(plan.state, Plan.State.PUBLISHED)
        self.assertEqual(Plan.current(), plan)
        self.assertEqual(
            {t.code: t.wording for t in Target.objects.filter(plan=plan, code__in=TARGETS)},
            {code: wording for code, (_n, _v, wording) in TARGETS.items()},
        )
        task = plan.tasks.get(number=TASK_NUMBER)
        self.assertEqual([u.code for u in task.responsible_units()], [code for code, _name in RESPONSIBLE])
        report = MonthlyReport.objects.get(plan=plan, unit=self.unit, month=1)
        self.assertEqual(report.status, MonthlyReport.Status.SUBMITTED)
        self.assertFalse(report.is_late)
        self.assertEqual(report.submitted_by.username, LIAISON)
        self.assertEqual(
            sorted(ProgressReport.objects.filter(report=report).values_list("task__number", flat=True)), [7, 19, 21]
        )
        self.assertEqual(sorted(report.values.values_list("target__code", flat=True)), sorted(VALUES))
        self.assertFalse(MonthlyReport.objects.filter(plan__code="2023").exists())
