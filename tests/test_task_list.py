import re
from unittest import mock

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.models import MonthlyReport, Task
from tasks.services import approve_reports, reopen_report
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

    def test_it_judges_each_target_as_its_full_standing_does(self):
        from targets.models import Target
        from targets.progress import standings, statuses

        targets = list(Target.objects.filter(plan=self.plan))
        for month in (1, 3, 12):
            expected = {s.target.pk: s.status for s in standings(targets, month)}
            self.assertEqual(statuses(targets, month), expected)
        self.assertGreaterEqual(len(set(expected.values())), 3)  # a mix of statuses, not all alike

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
    def setUp(self):
        cache.clear()

    def test_it_uses_the_same_number_of_queries_for_more_data(self):  # each request a cache miss (new data)
        dashboard_seed.assert_queries_constant_as_data_grows(self, URL, 16)


def task_row(response, number, month):
    """The cells of task `number`'s row as the page shows them (the HTML, not the context:
    a page served from the cache has no fresh table to read)."""
    html = response.content.decode()
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        if f'href="/tasks/{number}/?month={month}"' in row:
            return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    raise AssertionError(f"no row of task {number}")


class TaskListCacheTest(PersonasTestCase):
    """The task list is cached per data version, month and query string; it shows only approved
    figures and narratives, so every reader shares one entry, and no draft ever shows."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)
        # Task 19 has no target and nothing approved yet: 未报送. 洪山区 (a member of 各区人民政府) and
        # 市经信局 are assigned to it.
        task19 = Task.objects.get(plan=cls.plan, number=19)
        # 洪山区 submitted April: it assesses task 19 进度滞后 and asks for coordination (not yet approved).
        cls.april = dashboard_seed.report(cls.plan, cls.hongshan, 4, status=MonthlyReport.Status.SUBMITTED)
        dashboard_seed.progress(cls.april, task19, "behind", "洪山区四月进展", coordination="洪山区用地指标需协调")
        # 市经信局's liaison is writing a draft on task 19: 进度滞后, with a coordination matter.
        draft = dashboard_seed.report(cls.plan, cls.jxj, 4, status=MonthlyReport.Status.DRAFT)
        dashboard_seed.progress(draft, task19, "behind", "经信局草稿：尚未报送", coordination="经信局草稿的协调事项")

    def setUp(self):
        cache.clear()

    # number, title, section, lead, responsible, targets, status, open coordination matters
    NOTHING_APPROVED = ("未报送", "0")
    BEHIND_ONE_OPEN = ("滞后", "1")

    def status_and_open_items(self, response):
        self.assertEqual(response.status_code, 200)
        cells = task_row(response, 19, 4)
        return cells[6], cells[7]

    def test_it_serves_a_repeated_request_from_the_cache(self):
        self.client.force_login(self.leader)
        self.client.get(URL, {"month": 4})
        with self.assertNumQueries(8):  # session, user, membership … and the data version: no task or figure query
            response = self.client.get(URL, {"month": 4})
        self.assertEqual(self.status_and_open_items(response), self.NOTHING_APPROVED)

    def test_it_keeps_one_entry_per_month_and_query_string(self):
        self.client.force_login(self.leader)
        self.client.get(URL, {"month": 4})
        self.assertEqual(task_row(self.client.get(URL, {"month": 3}), 9, 3)[6], "正常")
        rows = list(self.client.get(URL, {"month": 4, "sort": "-status"}).context["table"].data)
        self.assertEqual(rows[0].status, "not_reported")
        response = self.client.get(URL, {"month": 4, "sort": "-status"})
        html = response.content.decode()
        self.assertLess(html.index('href="/tasks/17/?month=4"'), html.index('href="/tasks/9/?month=4"'))

    def test_it_shows_an_approval_right_after_it(self):
        self.client.force_login(self.leader)
        self.assertEqual(self.status_and_open_items(self.client.get(URL, {"month": 4})), self.NOTHING_APPROVED)
        approve_reports([self.april], self.staff)
        self.assertEqual(self.status_and_open_items(self.client.get(URL, {"month": 4})), self.BEHIND_ONE_OPEN)

    def test_it_drops_a_reopened_report_right_after_it(self):
        approve_reports([self.april], self.staff)
        self.client.force_login(self.leader)
        self.assertEqual(self.status_and_open_items(self.client.get(URL, {"month": 4})), self.BEHIND_ONE_OPEN)
        reopen_report(self.april, self.staff, "数据口径有误")
        self.assertEqual(self.status_and_open_items(self.client.get(URL, {"month": 4})), self.NOTHING_APPROVED)

    def test_it_never_counts_a_draft_so_every_reader_shares_one_entry(self):
        # The draft's own liaison fills the entry: its draft does not count, not even for itself.
        self.client.force_login(self.jxj_liaison)
        self.assertEqual(self.status_and_open_items(self.client.get(URL, {"month": 4})), self.NOTHING_APPROVED)
        # Another liaison is served that entry: its first request costs what its repeated one does.
        self.client.force_login(self.hongshan_liaison)
        with CaptureQueriesContext(connection) as first:
            response = self.client.get(URL, {"month": 4})
        with CaptureQueriesContext(connection) as repeated:
            self.client.get(URL, {"month": 4})
        self.assertEqual(len(first.captured_queries), len(repeated.captured_queries))
        self.assertEqual(self.status_and_open_items(response), self.NOTHING_APPROVED)
        self.assertNotContains(response, "经信局草稿")
        self.client.force_login(self.leader)
        with self.assertNumQueries(8):  # a hit, as in test_it_serves_a_repeated_request_from_the_cache
            response = self.client.get(URL, {"month": 4})
        self.assertEqual(self.status_and_open_items(response), self.NOTHING_APPROVED)
        self.assertNotContains(response, "经信局草稿")

    def test_it_never_caches_the_export(self):
        self.client.force_login(self.leader)
        self.client.get(URL, {"month": 4})
        approve_reports([self.april], self.staff)
        with mock.patch("tasks.views.cached", side_effect=AssertionError("an export is never cached")):
            rows = dashboard_seed.xlsx_rows(self.client.get(URL, {"month": 4, "export": "xlsx"}))
        task19 = [r for r in rows if r[0] == 19][0]
        self.assertEqual((task19[6], task19[7]), ("滞后", 1))


class TaskListCachedQueryCountTest(PersonasTestCase):
    def setUp(self):
        cache.clear()

    def test_it_uses_the_same_number_of_queries_for_more_data_on_a_cache_hit(self):
        self.client.force_login(self.leader)
        dashboard_seed.seed_months(self.plan, [1], staff=self.staff, extra_units=1)
        self.client.get(URL, {"month": 3})
        with self.assertNumQueries(8):
            self.client.get(URL, {"month": 3})
        dashboard_seed.grow(self.plan, staff=self.staff)
        self.client.get(URL, {"month": 3})
        with self.assertNumQueries(8):
            self.client.get(URL, {"month": 3})
