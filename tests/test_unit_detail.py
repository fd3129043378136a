from django.urls import reverse

from tests import dashboard_seed
from tests.personas import PersonasTestCase


class UnitDetailTest(dashboard_seed.ReadOnlyPageTests, PersonasTestCase):
    page_url = reverse("units:detail", args=["jxj"])
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)

    def url(self, code):
        return reverse("units:detail", args=[code])

    def test_it_shows_a_units_tasks_targets_and_record(self):
        self.client.force_login(self.leader)
        response = self.client.get(self.url("jxj"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "市经信局")
        tasks = {row["task"].number: row["role"] for row in response.context["task_table"].data}
        self.assertEqual(tasks[7], "牵头单位")
        self.assertEqual(tasks[9], "责任单位")
        record = list(response.context["record_table"].data)
        self.assertEqual(record[2]["state"][1], "已审核·逾期")
        self.assertEqual(record[3]["state"][1], "未报送")  # April is long overdue
        self.assertEqual(response.context["timeliness"]["rate"], "0%")

    def test_it_shows_the_targets_a_unit_reports_with_their_status(self):
        self.client.force_login(self.leader)
        response = self.client.get(self.url("kjj"))
        self.assertContains(response, "10,400家（3月）")
        self.assertContains(response, 'data-figure="fig-unit-targets"')
        self.assertEqual(response.context["timeliness"]["rate"], "25%")  # 3 of 12 months, all on time

    def test_it_shows_tasks_a_district_has_through_its_group(self):
        self.client.force_login(self.leader)
        response = self.client.get(self.url("hongshan"))
        tasks = {row["task"].number: row["role"] for row in response.context["task_table"].data}
        self.assertEqual(tasks[9], "责任单位（作为各区人民政府成员）")
        self.assertContains(response, "各区人民政府")

    def test_it_shows_a_groups_members(self):
        self.client.force_login(self.leader)
        response = self.client.get(self.url("gqrmzf"))
        self.assertEqual(len(response.context["members"]), 17)
        self.assertIsNone(response.context["record_table"])

    def test_it_exports_its_tables(self):
        self.client.force_login(self.leader)
        rows = dashboard_seed.xlsx_rows(self.client.get(self.url("jxj"), {"export": "record"}))
        self.assertEqual(rows[0], ["月份", "报送情况", "截止日期", "报送时间", "审核时间"])
        self.assertEqual(rows[3][:3], ["3月", "已审核·逾期", "2023-04-05"])
        rows = dashboard_seed.xlsx_rows(self.client.get(self.url("jxj"), {"export": "tasks"}))
        self.assertIn([7, "大力培育创新产业集群", "（三）加快推进关键核心技术攻关", "牵头单位"], rows)
        rows = dashboard_seed.xlsx_rows(self.client.get(self.url("kjj"), {"export": "xlsx"}))
        self.assertIn("T08", [r[0] for r in rows])

    def test_it_returns_404_for_an_unknown_unit(self):
        self.client.force_login(self.leader)
        self.assertEqual(self.client.get(self.url("nope")).status_code, 404)

    def test_it_lets_a_liaison_read_another_units_page(self):
        self.client.force_login(self.hongshan_liaison)
        self.assertContains(self.client.get(self.url("kjj")), "10,400家（3月）")

    def test_it_rejects_a_bad_month(self):
        self.client.force_login(self.leader)
        self.assertContains(self.client.get(self.url("jxj"), {"month": "x"}), "月份须为 1 至 12 的整数")


class UnitDetailQueryCountTest(PersonasTestCase):
    def test_it_uses_the_same_number_of_queries_for_more_data(self):
        url = reverse("units:detail", args=["kjj"])
        dashboard_seed.assert_queries_constant_as_data_grows(self, url, 19)
