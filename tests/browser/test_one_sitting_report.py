"""End-to-end, issue 18's "done when": in headless Chromium, in Chinese, the 洪山区 liaison made by
`seed_demo` files December in one sitting — the values step (洪山区 reports no figures; its save
creates the draft), then each of its 20 tasks with "保存并填写下一项", the count going up and the hint
for 存在问题 appearing as soon as 进度滞后 is chosen — and submits; bureau staff open the report, find
the decision block first and approve it. No JavaScript or console error, no request leaving 127.0.0.1.
"""

import io
import os
import re
from unittest import mock

import pytest
from django.core.management import call_command

from reporting.management.commands.seed_demo import DEFAULT_PASSWORD
from tasks.models import MonthlyReport, Plan, ProgressReport
from tasks.reporting import tasks_for_unit
from tests.browser.base import SCREENSHOT_DIR, ChromiumTestCase
from units.models import Unit

TIMEOUT_MS = 10_000

pytestmark = pytest.mark.browser

LIAISON = "hongshan_liaison"
STAFF = "kjj_staff"
MONTH = 12
BEHIND_TASK_INDEX = 4  # the fifth task: assessed 进度滞后, so 存在问题 is needed


class OneSittingReportInBrowserTest(ChromiumTestCase):
    fixtures = ["plan_2023"]

    def setUp(self):
        self.plan = Plan.objects.get(code="2023")
        env = {k: v for k, v in os.environ.items() if k != "DEMO_PASSWORD"}
        with mock.patch.dict(os.environ, env, clear=True):
            call_command("seed_demo", "--progress", "--until", "2023-11", stdout=io.StringIO())
        self.unit = Unit.objects.get(code="hongshan")
        self.tasks = list(tasks_for_unit(self.plan, self.unit))
        self.assertEqual(len(self.tasks), 20)
        self.page = self.open_browser_page(locale="zh-CN")
        self.console_errors = []
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.set_default_navigation_timeout(TIMEOUT_MS)

    def log_in(self, username):
        self.page.goto(f"{self.live_server_url}/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", DEFAULT_PASSWORD)
        self.click("main button[type=submit].primary")
        self.assertIn(username, self.text("header .who"))

    def log_out(self):
        self.click("header form[action$='/accounts/logout/'] button")

    def fill_task(self, index, task):
        self.assertIn(f"{task.number}. {task.title}", self.text("main h1"))
        self.assertIn(f"已填写 {index}/20 项任务进展，指标 0/0 项", self.text("#stepper"))
        self.assertEqual(self.page.get_attribute(f"#step-task-{task.number} a", "aria-current"), "step")
        hint = self.page.locator("#problems-hint-status")
        self.assertFalse(hint.is_visible())
        self.page.fill("#id_work_done", f"洪山区12月推进任务{task.number}：召开专题会1次，走访企业3家。")
        self.page.fill("#id_next_steps", "下月继续推进。")
        if index == BEHIND_TASK_INDEX:
            self.page.select_option("#id_self_status", label="进度滞后")
            self.assertTrue(hint.is_visible())  # at once, before saving
            self.assertIn("自评进度滞后，须填写存在问题。", hint.inner_text())
            # the file picker is ours (选择文件 and the chosen name), not the browser's "Choose File"
            self.assertEqual(self.page.inner_text("label.file-button"), "选择文件")
            self.assertEqual(self.page.inner_text("#id_file-name"), "未选择文件")
            self.page.set_input_files("#id_file", files=[
                {"name": "会议纪要.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}])
            self.assertEqual(self.page.inner_text("#id_file-name"), "会议纪要.pdf")
            self.page.screenshot(path=str(SCREENSHOT_DIR / "one-sitting-task.png"), full_page=True)
            self.page.fill("#id_problems", "项目用地报批进度慢于预期。")
        else:
            self.page.select_option("#id_self_status", label="正常推进")
            self.assertFalse(hint.is_visible())
        self.click(self.page.locator("#progress-form button", has_text="保存并填写下一项"))
        self.assertIn(f"已保存任务 {task.number} 的月度进展。", self.text("ul.messages"))

    def test_the_liaison_files_december_in_one_sitting_and_staff_approve_it(self):
        # 1. Home: December is due; its first save (the values step) creates the draft.
        self.log_in(LIAISON)
        self.click(self.page.locator("#due a.button", has_text="填报本月"))
        self.assertTrue(self.page.url.endswith(f"/reporting/month/{MONTH}/"), self.page.url)
        self.assertIn("本单位没有需要报送的指标。", self.text())
        self.assertIn("已填写 0/20 项任务进展，指标 0/0 项", self.text("#stepper"))
        self.click(self.page.locator("main form button", has_text="保存并填写下一项"))
        report = MonthlyReport.objects.get(plan=self.plan, unit=self.unit, month=MONTH)
        self.assertIn("已建立本月报送草稿。", self.text("ul.messages"))

        # 2. Twenty tasks, each saved with 保存并填写下一项; the list marks each one filled.
        for index, task in enumerate(self.tasks):
            self.fill_task(index, task)
            if index < len(self.tasks) - 1:
                self.assertIn("step-done", self.page.get_attribute(f"#step-task-{task.number}", "class"))
        self.assertTrue(self.page.url.endswith(f"/reporting/{report.pk}/"), self.page.url)  # all done: the report
        self.assertIn("已填写 20/20 项任务进展，指标 0/0 项", self.text("#stepper"))
        self.assertEqual(self.page.locator("ul.messages a.next-step").inner_text(), "核对并报送")
        self.assertEqual(ProgressReport.objects.filter(report=report).count(), 20)
        behind = ProgressReport.objects.get(report=report, task=self.tasks[BEHIND_TASK_INDEX])
        self.assertEqual((behind.self_status, behind.problems), ("behind", "项目用地报批进度慢于预期。"))
        self.page.screenshot(path=str(SCREENSHOT_DIR / "one-sitting-filled.png"), full_page=True)

        # 3. Submit.
        self.click("#report-status form button.primary")
        self.assertIn("已报送", self.text("ul.messages"))
        self.assertEqual(self.page.locator("ul.messages a.next-step").inner_text(), "返回本单位报送")
        self.assertEqual(MonthlyReport.objects.get(pk=report.pk).status, MonthlyReport.Status.SUBMITTED)
        self.log_out()

        # 4. Staff open it from the queue: the decision block comes first, above the figures and tasks.
        self.log_in(STAFF)
        self.page.goto(f"{self.live_server_url}/reporting/review/")
        self.click(self.page.locator(f"#queue #report-{report.pk} a", has_text="洪山区"))
        review_top = self.page.locator("#review").bounding_box()["y"]
        self.assertLess(review_top, self.page.locator("#report-status").bounding_box()["y"])
        self.assertLess(review_top, self.page.locator(f"#task-{self.tasks[0].number}").bounding_box()["y"])
        self.assertLess(review_top, 400)  # in the first screen, not at the bottom of a long page
        self.click(self.page.locator("#review button", has_text="审核通过"))
        self.assertIn("已审核通过 1 份报送。", self.text("ul.messages"))
        self.assertEqual(self.page.locator("ul.messages a.next-step").inner_text(), "返回报送审核")
        self.assertEqual(MonthlyReport.objects.get(pk=report.pk).status, MonthlyReport.Status.APPROVED)
        self.assertEqual(self.page.locator("#review").count(), 0)
        self.assertRegex(self.text("#report-status"), re.compile("已审核"))

        self.assert_stayed_local()
        self.assertEqual(self.console_errors, [], "console errors")
