import datetime
import re
from decimal import Decimal
from unittest import mock

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets.models import Target
from tasks.models import MonthlyReport
from tasks.services import approve_reports, reopen_report
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
    def setUp(self):
        cache.clear()

    def test_it_uses_the_same_number_of_queries_for_more_data(self):  # each request a cache miss (new data)
        url = reverse("units:detail", args=["kjj"])
        dashboard_seed.assert_queries_constant_as_data_grows(self, url, 18)


def rows_of(response):
    """Every table row of the page as its cells' text (the HTML: a page served from the cache
    has no fresh table in its context to read)."""
    html = response.content.decode()
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)
    ]


def record_state(response, month):
    """The state the reporting record shows for `month`."""
    return [cells for cells in rows_of(response) if cells and cells[0] == f"{month}月"][0][1]


def target_value(response, code):
    """The latest approved value the target table shows for target `code`."""
    return [cells for cells in rows_of(response) if cells and cells[0] == code][0][3]


class UnitDetailCacheTest(PersonasTestCase):
    """A unit's page is cached per unit, data version, month, day and query string. It shows
    approved figures and the unit's reporting record, the same to every reader: no draft shows,
    not even to the unit's own liaison, so every reader shares one entry."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)
        cls.t08 = Target.objects.get(plan=cls.plan, code="T08")
        # 市科技局 submitted April on time (T08 10,700家); it waits for review.
        cls.april = dashboard_seed.report(cls.plan, cls.kjj, 4, status=MonthlyReport.Status.SUBMITTED)
        dashboard_seed.value(cls.april, cls.t08, dashboard_seed.T08_VALUES[4])
        # 市经信局's liaison is writing April's report: a draft with a value of a target it reports.
        cls.jxj_target = Target.objects.create(
            plan=cls.plan, code="X90", name="经信局测试指标", value=Decimal(100), unit_of_measure="个",
            comparison=Target.Comparison.AT_LEAST, comparison_wording="不低于", kind=Target.Kind.CUMULATIVE,
            reporting_unit=cls.jxj, source_text="测试", position=990,
        )
        draft = dashboard_seed.report(cls.plan, cls.jxj, 4, status=MonthlyReport.Status.DRAFT)
        dashboard_seed.value(draft, cls.jxj_target, 123456)

    def setUp(self):
        cache.clear()

    def url(self, code):
        return reverse("units:detail", args=[code])

    def test_it_serves_a_repeated_request_from_the_cache(self):
        self.client.force_login(self.leader)
        self.client.get(self.url("kjj"), {"month": 4})
        with self.assertNumQueries(9):  # session, user, membership …, the data version and the unit: no figure query
            response = self.client.get(self.url("kjj"), {"month": 4})
        self.assertEqual(target_value(response, "T08"), "10,400家（3月）")
        self.assertEqual(record_state(response, 4), "按时报送")
        self.assertContains(response, 'data-figure="fig-unit-targets"')

    def test_it_serves_a_groups_page_from_the_cache(self):
        self.client.force_login(self.leader)
        self.client.get(self.url("gqrmzf"))
        with self.assertNumQueries(9):
            response = self.client.get(self.url("gqrmzf"))
        self.assertContains(response, "洪山区人民政府")  # a member
        self.assertNotContains(response, "报送记录")  # a group reports nothing itself
        self.assertIsNone(response.context["record_table"])

    def test_it_keeps_one_entry_per_unit_and_query_string(self):
        self.client.force_login(self.leader)
        self.assertEqual(target_value(self.client.get(self.url("kjj"), {"month": 4}), "T08"), "10,400家（3月）")
        self.assertNotContains(self.client.get(self.url("jxj"), {"month": 4}), "10,400家（3月）")

        def target_codes(response):
            return [cells[0] for cells in rows_of(response) if cells and re.fullmatch(r"T\d\d", cells[0])]

        by_position = target_codes(self.client.get(self.url("kjj"), {"month": 4}))
        self.client.get(self.url("kjj"), {"month": 4, "sort": "-status"})
        response = self.client.get(self.url("kjj"), {"month": 4, "sort": "-status"})  # from the cache
        by_status = [row.target.code for row in response.context["target_table"].data]  # computed afresh
        self.assertEqual(target_codes(response), by_status)
        self.assertNotEqual(by_status, by_position)

    def test_it_shows_an_approval_right_after_it(self):
        self.client.force_login(self.leader)
        response = self.client.get(self.url("kjj"), {"month": 4})
        self.assertEqual((target_value(response, "T08"), record_state(response, 4)), ("10,400家（3月）", "按时报送"))
        approve_reports([self.april], self.staff)
        response = self.client.get(self.url("kjj"), {"month": 4})
        self.assertEqual((target_value(response, "T08"), record_state(response, 4)), ("10,700家（4月）", "已审核"))

    def test_it_drops_a_reopened_report_right_after_it(self):
        approve_reports([self.april], self.staff)
        self.client.force_login(self.leader)
        self.assertEqual(target_value(self.client.get(self.url("kjj"), {"month": 4}), "T08"), "10,700家（4月）")
        reopen_report(self.april, self.staff, "数据口径有误")
        self.assertEqual(target_value(self.client.get(self.url("kjj"), {"month": 4}), "T08"), "10,400家（3月）")

    def test_it_shows_no_draft_to_anyone_so_every_reader_shares_one_entry(self):
        # The draft's own liaison fills the entry: a draft is no report yet, not even for itself.
        self.client.force_login(self.jxj_liaison)
        response = self.client.get(self.url("jxj"), {"month": 4})
        self.assertEqual(record_state(response, 4), "未报送")
        self.assertEqual(target_value(response, "X90"), "—")
        self.assertNotContains(response, "123,456")
        # Another liaison is served that entry: its first request costs what its repeated one does.
        self.client.force_login(self.hongshan_liaison)
        with CaptureQueriesContext(connection) as first:
            response = self.client.get(self.url("jxj"), {"month": 4})
        with CaptureQueriesContext(connection) as repeated:
            self.client.get(self.url("jxj"), {"month": 4})
        self.assertEqual(len(first.captured_queries), len(repeated.captured_queries))
        self.assertEqual(record_state(response, 4), "未报送")
        self.assertNotContains(response, "123,456")
        self.client.force_login(self.leader)
        with self.assertNumQueries(9):  # a hit, as in test_it_serves_a_repeated_request_from_the_cache
            response = self.client.get(self.url("jxj"), {"month": 4})
        self.assertNotContains(response, "123,456")

    def test_it_recomputes_the_record_when_a_deadline_passes(self):
        # 市发改委 has reported nothing: April is 未到期 until its deadline (5 May), then 未报送.
        self.client.force_login(self.leader)
        deadline = datetime.date(2023, 5, 5)
        with mock.patch("units.views.local_today", return_value=deadline), mock.patch(
            "targets.dashboard.local_today", return_value=deadline
        ):
            self.assertEqual(record_state(self.client.get(self.url("fgw"), {"month": 4}), 4), "未到期")
        later = deadline + datetime.timedelta(days=1)
        with mock.patch("units.views.local_today", return_value=later), mock.patch(
            "targets.dashboard.local_today", return_value=later
        ):
            self.assertEqual(record_state(self.client.get(self.url("fgw"), {"month": 4}), 4), "未报送")

    def test_it_never_caches_the_exports(self):
        self.client.force_login(self.leader)
        self.client.get(self.url("kjj"), {"month": 4})
        approve_reports([self.april], self.staff)
        with mock.patch("units.views.cached", side_effect=AssertionError("an export is never cached")):
            record = dashboard_seed.xlsx_rows(self.client.get(self.url("kjj"), {"month": 4, "export": "record"}))
            targets = dashboard_seed.xlsx_rows(self.client.get(self.url("kjj"), {"month": 4, "export": "xlsx"}))
            tasks = dashboard_seed.xlsx_rows(self.client.get(self.url("kjj"), {"month": 4, "export": "tasks"}))
        self.assertEqual(record[4][:2], ["4月", "已审核"])
        self.assertIn("10,700家（4月）", [r for r in targets if r[0] == "T08"][0])
        self.assertEqual(tasks[0], ["序号", "任务", "板块", "职责"])


class UnitDetailCachedQueryCountTest(PersonasTestCase):
    def setUp(self):
        cache.clear()

    def test_it_uses_the_same_number_of_queries_for_more_data_on_a_cache_hit(self):
        url = reverse("units:detail", args=["kjj"])
        self.client.force_login(self.leader)
        dashboard_seed.seed_months(self.plan, [1], staff=self.staff, extra_units=1)
        self.client.get(url, {"month": 3})
        with self.assertNumQueries(9):
            self.client.get(url, {"month": 3})
        dashboard_seed.grow(self.plan, staff=self.staff)
        self.client.get(url, {"month": 3})
        with self.assertNumQueries(9):
            self.client.get(url, {"month": 3})
