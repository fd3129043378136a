from django.urls import reverse

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
        response = self.client.get(URL)
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
        rows = list(self.client.get(URL, {"sort": "-status"}).context["table"].data)
        self.assertEqual(rows[0].status, "not_reported")
        self.assertEqual(rows[-1].status, "on_track")

    def test_it_exports_the_columns_shown(self):
        self.client.force_login(self.leader)
        rows = dashboard_seed.xlsx_rows(self.client.get(URL, {"export": "xlsx"}))
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
        dashboard_seed.assert_queries_constant_as_data_grows(self, URL, 16)
