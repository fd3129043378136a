"""Importing a plan from Excel in Chromium: bureau staff open the import from the plans list, upload a
filled template through the page, see the preview and confirm, and land on the new draft plan's page."""

import io

import pytest

from tasks.models import Plan
from tests.browser.base import ChromiumTestCase
from tests.personas import PASSWORD
from tests.test_plan_import import workbook
from units.accounts import create_account
from units.models import Membership, Unit

TIMEOUT_MS = 10_000

pytestmark = pytest.mark.browser


class PlanImportInBrowserTest(ChromiumTestCase):
    fixtures = ["plan_2023"]

    def setUp(self):
        create_account("kjj_staff", Membership.Role.STAFF, Unit.objects.get(code="kjj"), PASSWORD,
                       email="staff@example.gov.cn")
        self.page = self.open_browser_page(locale="zh-CN")
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.set_default_navigation_timeout(TIMEOUT_MS)

    def test_staff_upload_a_plan_preview_it_and_land_on_the_draft(self):
        self.page.goto(f"{self.live_server_url}/accounts/login/")
        self.page.fill("input[name=username]", "kjj_staff")
        self.page.fill("input[name=password]", PASSWORD)
        self.click("main button[type=submit].primary")
        self.page.goto(f"{self.live_server_url}/plans/")
        self.click("main a:has-text('从 Excel 导入')")
        buffer = io.BytesIO()
        workbook().save(buffer)
        self.page.set_input_files("#id_file", files=[{
            "name": "2024年工作要点.xlsx", "buffer": buffer.getvalue(),
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }])
        self.click("main button:has-text('上传并预览')")
        preview = self.page.inner_text("#import-preview")
        self.assertIn("目标组 1 个、任务板块 2 个、重点任务 4 项、指标 3 个", preview)
        self.assertIn("打造重大科技基础设施集群", preview)
        self.click("main button:has-text('确认导入为草稿')")
        self.assertTrue(self.page.url.endswith("/plans/2024/"), self.page.url)
        main = self.page.inner_text("main")
        self.assertIn("2024年武汉市科技创新工作要点", main)
        self.assertIn("草稿：尚未发布，不接受报送。", main)
        self.assertIn("10家以上", main)
        self.assertEqual(Plan.objects.get(code="2024").state, Plan.State.DRAFT)
        self.assert_stayed_local()
