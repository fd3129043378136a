import re

from django.urls import reverse

from reporting.services import approve_reports, reopen_report
from tasks.models import MonthlyReport, Task
from tests import dashboard_seed
from tests.personas import PersonasTestCase

URL = reverse("tasks:list")


class TaskListTest(dashboard_seed.ReadOnlyPageTests, PersonasTestCase):
    page_url = URL
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)

    def rows(self, response):
        return {row.number: row for row in response.context["table"].data}

    def test_it_lists_the_22_tasks_with_their_status(self):
        self.client.force_login(self.leader)
        response = self.client.get(URL, {"month": 3})
        self.assertEqual(response.status_code, 200)
        rows = self.rows(response)
        self.assertEqual(sorted(rows), list(range(1, 23)))
        self.assertEqual(rows[7].status, "behind")  # 市经信局 assesses task 7 进度滞后
        self.assertEqual(rows[9].status, "on_track")
        self.assertEqual(rows[9].open_items, 1)
        self.assertEqual(rows[17].status, "not_reported")
        self.assertContains(response, "大力培育科技企业")
        self.assertContains(response, '<span class="status status-behind">滞后</span>')

    def test_it_sorts_by_status(self):
        self.client.force_login(self.leader)
        rows = list(self.client.get(URL, {"month": 3, "sort": "-status"}).context["table"].data)
        self.assertEqual(rows[0].status, "not_reported")
        self.assertEqual(rows[-1].status, "on_track")

    def test_it_exports_the_columns_shown(self):
        self.client.force_login(self.leader)
        rows = dashboard_seed.xlsx_rows(self.client.get(URL, {"export": "xlsx", "month": 3}))
        self.assertEqual(rows[0], ["序号", "任务", "板块", "牵头单位", "责任单位", "指标数", "状态", "待协调事项"])
        task7 = [r for r in rows if r[0] == 7][0]
        self.assertEqual(task7[6], "滞后")
        self.assertEqual(task7[3], "市经信局、市发改委、市科技局")

    def test_it_rejects_a_bad_month(self):
        self.client.force_login(self.leader)
        self.assertContains(self.client.get(URL, {"month": "abc"}), "月份须为 1 至 12 的整数")

    def test_it_lets_a_liaison_read_it(self):
        self.client.force_login(self.hongshan_liaison)
        self.assertEqual(self.client.get(URL).status_code, 200)


class TaskListQueryCountTest(PersonasTestCase):
    def test_it_uses_the_same_number_of_queries_for_more_data(self):
        dashboard_seed.assert_queries_constant_as_data_grows(self, URL, 12)


def task_row(response, number, month):
    """The cells of task `number`'s row as the page shows them (the HTML)."""
    html = response.content.decode()
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        if f'href="/tasks/{number}/?month={month}"' in row:
            return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    raise AssertionError(f"no row of task {number}")


class TaskListAfterReviewTest(PersonasTestCase):
    """The task list reads the task standings a review stores; it counts only approved figures and
    narratives, so no draft ever shows, and one responsible unit's 滞后 is a flag, not the status."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)
        # Task 19 (lead 市市场监管局; responsible 市科技局, 市经信局, 市地方金融局 and the 17 districts)
        # has nothing approved yet: 未报送.
        task19 = Task.objects.get(plan=cls.plan, number=19)
        # 洪山区 submitted April: it assesses task 19 进度滞后 and asks for coordination (not yet approved).
        cls.april = dashboard_seed.report(cls.plan, cls.hongshan, 4, status=MonthlyReport.Status.SUBMITTED)
        dashboard_seed.progress(cls.april, task19, "behind", "洪山区四月进展", coordination="洪山区用地指标需协调")
        # 市经信局's liaison is writing a draft on task 19: 进度滞后, with a coordination matter.
        draft = dashboard_seed.report(cls.plan, cls.jxj, 4, status=MonthlyReport.Status.DRAFT)
        dashboard_seed.progress(draft, task19, "behind", "经信局草稿：尚未报送", coordination="经信局草稿的协调事项")

    NOTHING_APPROVED = ("未报送", "0")
    # One of 20 responsible units behind: the task is 正常, with the flag beside it.
    ONE_UNIT_BEHIND = ("正常 1个责任单位自评滞后", "1")

    def status_and_open_items(self, response):
        self.assertEqual(response.status_code, 200)
        cells = task_row(response, 19, 4)
        return cells[6], cells[7]

    def test_it_shows_an_approval_right_after_it(self):
        self.client.force_login(self.leader)
        self.assertEqual(self.status_and_open_items(self.client.get(URL, {"month": 4})), self.NOTHING_APPROVED)
        approve_reports([self.april], self.staff)
        self.assertEqual(self.status_and_open_items(self.client.get(URL, {"month": 4})), self.ONE_UNIT_BEHIND)

    def test_it_drops_a_reopened_report_right_after_it(self):
        approve_reports([self.april], self.staff)
        self.client.force_login(self.leader)
        self.assertEqual(self.status_and_open_items(self.client.get(URL, {"month": 4})), self.ONE_UNIT_BEHIND)
        reopen_report(self.april, self.staff, "数据口径有误")
        self.assertEqual(self.status_and_open_items(self.client.get(URL, {"month": 4})), self.NOTHING_APPROVED)

    def test_it_never_counts_a_draft(self):
        for user in (self.jxj_liaison, self.hongshan_liaison, self.leader):
            self.client.force_login(user)
            response = self.client.get(URL, {"month": 4})
            self.assertEqual(self.status_and_open_items(response), self.NOTHING_APPROVED)
            self.assertNotContains(response, "经信局草稿")

    def test_it_exports_what_the_page_shows(self):
        approve_reports([self.april], self.staff)
        self.client.force_login(self.leader)
        rows = dashboard_seed.xlsx_rows(self.client.get(URL, {"month": 4, "export": "xlsx"}))
        task19 = [r for r in rows if r[0] == 19][0]
        self.assertEqual((task19[6], task19[7]), ("正常；1个责任单位自评滞后", 1))

    def test_it_says_when_a_responsible_group_has_no_members(self):
        self.client.force_login(self.leader)
        cells = task_row(self.client.get(URL, {"month": 3}), 1, 3)
        self.assertIn("责任单位“市推进科创中心建设领导小组成员单位”未配置成员单位", cells[6])
