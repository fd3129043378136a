from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.models import MonthlyReport, Task
from tests import dashboard_seed
from tests.personas import PersonasTestCase

URL = reverse("tasks:detail", args=[9])


class TaskDetailTest(dashboard_seed.ReadOnlyPageTests, PersonasTestCase):
    page_url = URL
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff, extra_units=2)
        cls.task9 = Task.objects.get(plan=cls.plan, number=9)
        # 市经信局 has a draft for task 9 in April: only its own liaison and no one else may read it.
        april = dashboard_seed.report(cls.plan, cls.jxj, 4, status=MonthlyReport.Status.DRAFT)
        dashboard_seed.progress(april, cls.task9, "on_track", "经信局草稿：尚未报送的进展")
        submitted = dashboard_seed.report(cls.plan, cls.hongshan, 4, status=MonthlyReport.Status.SUBMITTED)
        dashboard_seed.progress(submitted, cls.task9, "on_track", "洪山区已报送待审核的进展")

    def test_it_shows_the_task_its_units_targets_and_progress(self):
        self.client.force_login(self.leader)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "9. 大力培育科技企业")
        self.assertContains(response, self.task9.text[:20])
        self.assertEqual([u.code for u in response.context["lead_units"]], ["kjj"])
        self.assertIn("gqrmzf", [u.code for u in response.context["responsible_units"]])
        # 各区人民政府 expands to its 17 members in the month-by-month grid.
        grid_units = [row["unit"].code for row in response.context["grid"]]
        self.assertIn("hongshan", grid_units)
        self.assertNotIn("gqrmzf", grid_units)
        self.assertEqual(len(grid_units), 4 + 17)
        self.assertContains(response, "3月：新认定高企培育入库。")
        self.assertContains(response, "高企认定奖补资金需市财政协调")
        # Small charts of the task's targets (T08, T09, T26, T27).
        self.assertEqual(len(response.context["target_charts"]), 4)
        self.assertContains(response, 'data-figure="fig-target-')

    def test_it_shows_leaders_submitted_but_not_draft_narratives(self):
        self.client.force_login(self.leader)
        response = self.client.get(URL, {"month": 4})
        self.assertContains(response, "洪山区已报送待审核的进展")
        self.assertNotContains(response, "经信局草稿")

    def test_it_shows_a_liaison_only_approved_narratives_of_other_units(self):
        self.client.force_login(self.hongshan_liaison)
        response = self.client.get(URL, {"month": 4})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "洪山区已报送待审核的进展")  # its own
        self.assertNotContains(response, "经信局草稿")
        self.assertContains(response, "3月：新认定高企培育入库。")  # approved, 市科技局
        self.client.force_login(self.jxj_liaison)
        response = self.client.get(URL, {"month": 4})
        self.assertContains(response, "经信局草稿")
        self.assertNotContains(response, "洪山区已报送待审核的进展")

    def test_it_exports_the_progress_and_the_targets(self):
        self.client.force_login(self.leader)
        rows = dashboard_seed.xlsx_rows(self.client.get(URL, {"export": "xlsx"}))
        self.assertEqual(rows[0][:4], ["单位", "月份", "报送状态", "自评状态"])
        self.assertIn(["市科技局", 3, "已审核", "正常推进", "3月：新认定高企培育入库。"], [r[:5] for r in rows])
        rows = dashboard_seed.xlsx_rows(self.client.get(URL, {"export": "targets"}))
        self.assertEqual(sorted(r[0] for r in rows[1:]), ["T08", "T09", "T26", "T27"])

    def test_it_returns_404_for_a_task_number_not_in_the_plan(self):
        self.client.force_login(self.leader)
        self.assertEqual(self.client.get(reverse("tasks:detail", args=[23])).status_code, 404)

    def test_it_rejects_a_bad_month(self):
        self.client.force_login(self.leader)
        self.assertContains(self.client.get(URL, {"month": "99"}), "月份须为 1 至 12 的整数")


class TaskDetailQueryCountTest(PersonasTestCase):
    def test_it_uses_the_same_number_of_queries_for_more_data(self):
        # 16: the task's open leaders' instructions (reports/templatetags/instructions.py) are one query.
        dashboard_seed.assert_queries_constant_as_data_grows(self, URL, 15)


class TaskDetailPagesTest(PersonasTestCase):
    """A task broken down into many targets pages its table and its small charts together."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)
        dashboard_seed.add_targets(cls.plan, 35, task_number=9)  # task 9: its 4 targets and 35 more

    def test_it_shows_thirty_targets_and_their_charts_a_page(self):
        self.client.force_login(self.leader)
        with CaptureQueriesContext(connection) as first_queries:
            first = self.client.get(URL, {"month": 3})
        cards = [card["target"]["code"] for card in first.context["target_charts"]]
        rows = [row.record.target.code for row in first.context["target_table"].page.object_list]
        self.assertEqual(len(cards), 30)
        self.assertEqual(sorted(cards), sorted(rows))  # the charts are the page's rows
        self.assertContains(first, "?month=3&amp;t-page=2")
        with self.assertNumQueries(len(first_queries.captured_queries)):  # no COUNT for the pages
            second = self.client.get(URL, {"month": 3, "t-page": 2})
        # 39 targets: 30 on the first page, 9 on the second, none on both.
        cards_2 = [card["target"]["code"] for card in second.context["target_charts"]]
        self.assertEqual(len(cards_2), 9)
        self.assertFalse(set(cards) & set(cards_2))


class TaskDetailNarrativePagesTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Task 9: 市科技局 and two districts each month, January to December: 36 narratives.
        dashboard_seed.seed_months(cls.plan, list(range(1, 13)), staff=cls.staff, extra_units=2)

    def test_it_shows_twenty_five_narratives_a_page_the_latest_months_first(self):
        self.client.force_login(self.leader)
        first = self.client.get(URL, {"month": 12})
        kjj = [f">{month}月：新认定高企培育入库。<" for month in range(1, 13)]  # 市科技局's narrative cell, by month
        # 25 a page: December to May whole (8 months × 3 units), then 市科技局's April.
        self.assertEqual(len(first.context["progress_table"].page.object_list), 25)
        html = first.content.decode()
        self.assertEqual([cell in html for cell in kjj], [False] * 3 + [True] * 9)
        self.assertIn("?month=12&amp;page=2", html)
        second = self.client.get(URL, {"month": 12, "page": 2})
        self.assertEqual(len(second.context["progress_table"].page.object_list), 11)
        html = second.content.decode()
        self.assertEqual([cell in html for cell in kjj], [True] * 3 + [False] * 9)
