import datetime
import re
from decimal import Decimal
from unittest import mock

from django.urls import reverse

from reporting.services import approve_reports, reopen_report
from targets.models import Target
from targets.standing_store import refresh_plan
from tasks.models import MonthlyReport
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
        self.assertEqual(rows[3][:3], [3, "已审核·逾期", datetime.datetime(2023, 4, 6)])  # 5 April: 清明, a holiday
        rows = dashboard_seed.xlsx_rows(self.client.get(self.url("jxj"), {"export": "tasks"}))
        self.assertIn([7, "大力培育创新产业集群", "（三）加快推进关键核心技术攻关", "牵头单位"], rows)
        rows = dashboard_seed.xlsx_rows(self.client.get(self.url("kjj"), {"export": "xlsx"}))
        self.assertIn("T08", [r[0] for r in rows])

    def test_it_shows_the_units_leader_contact_and_its_email_only_to_staff(self):
        self.jxj.leader_name, self.jxj.leader_email = "王副局长", "wang.fj@jxj.example.gov.cn"
        self.jxj.save(update_fields=["leader_name", "leader_email"])
        self.client.force_login(self.hongshan_liaison)
        response = self.client.get(self.url("jxj"))
        self.assertContains(response, '<div><dt>分管领导</dt><dd id="unit-leader">王副局长</dd></div>', html=True)
        self.assertNotContains(response, "wang.fj@jxj.example.gov.cn")
        self.client.force_login(self.staff)
        self.assertContains(self.client.get(self.url("jxj")), "王副局长（<a href=\"mailto:wang.fj@jxj.example.gov.cn\">")

    def test_a_unit_without_a_leader_contact_shows_no_such_line(self):
        self.client.force_login(self.staff)
        self.assertNotContains(self.client.get(self.url("jxj")), "分管领导")

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
        dashboard_seed.assert_queries_constant_as_data_grows(self, url, 15)  # 15: with the open notices


def rows_of(response):
    """Every table row of the page as its cells' text (the HTML the reader gets)."""
    html = response.content.decode()
    return [
        [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)
    ]


def record_state(response, month):
    """The state the reporting record shows for `month`."""
    return [cells for cells in rows_of(response) if cells and cells[0] == f"{month}月"][0][1]


def target_value(response, code):
    """The latest approved value the target table shows for target `code`."""
    return [cells for cells in rows_of(response) if cells and cells[0] == code][0][3]


class UnitDetailAfterReviewTest(PersonasTestCase):
    """A unit's page shows approved figures (stored standings) and the unit's reporting record,
    the same to every reader: no draft shows, not even to the unit's own liaison."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)
        cls.t10 = Target.objects.get(plan=cls.plan, code="T10")  # 技术合同成交额, monthly
        # 市科技局 submitted April on time (T10 483.33亿元); it waits for review.
        cls.april = dashboard_seed.report(cls.plan, cls.kjj, 4, status=MonthlyReport.Status.SUBMITTED)
        dashboard_seed.value(cls.april, cls.t10, "483.33")
        # 市经信局's liaison is writing April's report: a draft with a value of a target it reports.
        cls.jxj_target = Target.objects.create(
            plan=cls.plan, code="X90", name="经信局测试指标", value=Decimal(100), unit_of_measure="个",
            comparison=Target.Comparison.AT_LEAST, comparison_wording="不低于", kind=Target.Kind.CUMULATIVE,
            reporting_unit=cls.jxj, source_text="测试", position=990,
        )
        refresh_plan(cls.plan)  # a target added behind the admin's back
        draft = dashboard_seed.report(cls.plan, cls.jxj, 4, status=MonthlyReport.Status.DRAFT)
        dashboard_seed.value(draft, cls.jxj_target, 123456)

    MARCH = "362.5亿元（3月） 本月未报送"
    APRIL = "483.33亿元（4月）"

    def url(self, code):
        return reverse("units:detail", args=[code])

    def test_it_shows_a_groups_members_and_no_record(self):
        self.client.force_login(self.leader)
        response = self.client.get(self.url("gqrmzf"))
        self.assertContains(response, "洪山区人民政府")  # a member
        self.assertNotContains(response, "报送记录")  # a group reports nothing itself
        self.assertIsNone(response.context["record_table"])

    def test_it_sorts_the_targets_in_the_database(self):
        self.client.force_login(self.leader)

        def target_codes(response):
            return [cells[0] for cells in rows_of(response) if cells and re.fullmatch(r"T\d\d", cells[0])]

        by_position = target_codes(self.client.get(self.url("kjj"), {"month": 4}))
        response = self.client.get(self.url("kjj"), {"month": 4, "sort": "-status"})
        self.assertEqual(target_codes(response), [row.target.code for row in response.context["target_table"].paginated_rows.data])
        self.assertNotEqual(target_codes(response), by_position)
        self.assertEqual(target_codes(response)[0], "T27")  # 市级科技领军企业: yearly, 未到报送期

    def test_it_shows_an_approval_right_after_it(self):
        self.client.force_login(self.leader)
        response = self.client.get(self.url("kjj"), {"month": 4})
        self.assertEqual((target_value(response, "T10"), record_state(response, 4)), (self.MARCH, "按时报送"))
        approve_reports([self.april], self.staff)
        response = self.client.get(self.url("kjj"), {"month": 4})
        self.assertEqual((target_value(response, "T10"), record_state(response, 4)), (self.APRIL, "已审核"))

    def test_it_drops_a_reopened_report_right_after_it(self):
        approve_reports([self.april], self.staff)
        self.client.force_login(self.leader)
        self.assertEqual(target_value(self.client.get(self.url("kjj"), {"month": 4}), "T10"), self.APRIL)
        reopen_report(self.april, self.staff, "数据口径有误")
        self.assertEqual(target_value(self.client.get(self.url("kjj"), {"month": 4}), "T10"), self.MARCH)

    def test_it_shows_no_draft_to_anyone(self):
        for user in (self.jxj_liaison, self.hongshan_liaison, self.leader):
            self.client.force_login(user)
            response = self.client.get(self.url("jxj"), {"month": 4})
            self.assertEqual(record_state(response, 4), "未报送")
            self.assertEqual(target_value(response, "X90"), "—")
            self.assertNotContains(response, "123,456")

    def test_it_recomputes_the_record_when_a_deadline_passes(self):
        # 市发改委 has reported nothing: April is 未到期 until its deadline (Friday 5 May 2023, a
        # working day after the Labour Day holiday), then 未报送.
        self.client.force_login(self.leader)
        deadline = datetime.date(2023, 5, 5)
        with mock.patch("targets.dashboard.local_today", return_value=deadline):
            self.assertEqual(record_state(self.client.get(self.url("fgw"), {"month": 4}), 4), "未到期")
        later = deadline + datetime.timedelta(days=1)
        with mock.patch("targets.dashboard.local_today", return_value=later):
            self.assertEqual(record_state(self.client.get(self.url("fgw"), {"month": 4}), 4), "未报送")

    def test_it_exports_what_the_page_shows(self):
        self.client.force_login(self.leader)
        approve_reports([self.april], self.staff)
        record = dashboard_seed.xlsx_rows(self.client.get(self.url("kjj"), {"month": 4, "export": "record"}))
        targets = dashboard_seed.xlsx_rows(self.client.get(self.url("kjj"), {"month": 4, "export": "xlsx"}))
        tasks = dashboard_seed.xlsx_rows(self.client.get(self.url("kjj"), {"month": 4, "export": "tasks"}))
        self.assertEqual(record[4][:2], [4, "已审核"])
        t10 = dict(zip(targets[0], [r for r in targets if r[0] == "T10"][0], strict=True))
        self.assertEqual((t10["最新值（已审核）"], t10["单位"], t10["数据月份"]), (483.33, "亿元", 4))
        self.assertEqual(tasks[0], ["序号", "任务", "板块", "职责"])
