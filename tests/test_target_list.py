from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets.models import Target, TargetValue
from tasks.models import Section
from tests import dashboard_seed
from tests.personas import PersonasTestCase

URL = reverse("targets:list")


class TargetListTest(dashboard_seed.ReadOnlyPageTests, PersonasTestCase):
    page_url = URL
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)
        # 技术合同成交额 (T10, 1450 亿元) far behind in March: 50 = 3.4% against 25% → 严重滞后.
        TargetValue.objects.filter(target__code="T10", month=3).update(value=Decimal(50))

    def rows(self, response):
        return {row.target.code: row for row in response.context["table"].data}

    def test_it_shows_each_target_with_its_standing(self):
        self.client.force_login(self.leader)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self.rows(response)), 43)
        self.assertContains(response, "高新技术企业数")
        self.assertContains(response, "10,400家（3月）")  # T08's latest approved value
        self.assertContains(response, "80.0%")  # 10,400 ÷ 13,000
        self.assertContains(response, '<span class="status status-seriously_behind">严重滞后</span>')
        self.assertContains(response, "可能完不成")
        for heading in ("目标值", "最新值（已审核）", "完成率", "时间进度", "状态", "预计全年", "报送单位", "最后更新"):
            self.assertContains(response, heading)

    def test_it_filters_by_status_section_task_unit_kind_and_search(self):
        self.client.force_login(self.leader)
        self.assertEqual(list(self.rows(self.client.get(URL, {"status": "seriously_behind"}))), ["T10"])
        self.assertEqual(len(self.rows(self.client.get(URL, {"status": "not_reported"}))), 15)
        task9 = self.plan.tasks.get(number=9)
        self.assertEqual(sorted(self.rows(self.client.get(URL, {"task": task9.pk}))), ["T08", "T09", "T26", "T27"])
        goal_three = self.plan.sections.get(kind="goal", number=3)
        self.assertEqual(len(self.rows(self.client.get(URL, {"section": goal_three.pk}))), 5)
        self.assertEqual(sorted(self.rows(self.client.get(URL, {"kind": "rate", "unit": self.kjj.pk}))), ["T11", "T12", "T42"])
        self.assertEqual(list(self.rows(self.client.get(URL, {"q": "高新技术企业"}))), ["T08"])

    def test_it_sorts_by_status_and_completion(self):
        self.client.force_login(self.leader)
        codes = list(self.rows(self.client.get(URL, {"sort": "-status"})))
        self.assertEqual(codes[0][0], "T")
        statuses = [row.standing.status for row in self.client.get(URL, {"sort": "-status"}).context["table"].data]
        self.assertEqual(statuses[0], "not_reported")
        self.assertEqual(statuses[-1], "on_track")
        completions = [r.standing.completion for r in self.client.get(URL, {"sort": "completion"}).context["table"].data]
        reported = [c for c in completions if c is not None]
        self.assertEqual(reported, sorted(reported))
        self.assertIsNone(completions[0])  # not reported first when ascending

    def test_it_keeps_the_filter_form_when_resorting_a_filtered_list(self):
        self.client.force_login(self.leader)
        task9 = self.plan.tasks.get(number=9)
        self.client.get(URL, {"task": task9.pk})
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(URL, {"task": task9.pk, "sort": "-status"})
        self.assertEqual(sorted(self.rows(response)), ["T08", "T09", "T26", "T27"])
        self.assertContains(response, f'<option value="{task9.pk}" selected>')
        # The form's choices come from the first request's fragment: no query for them again.
        sections = Section._meta.db_table
        self.assertFalse([q["sql"] for q in queries.captured_queries if f'FROM "{sections}"' in q["sql"]])

    def test_it_exports_the_columns_shown(self):
        self.client.force_login(self.leader)
        rows = dashboard_seed.xlsx_rows(self.client.get(URL, {"export": "xlsx", "status": "seriously_behind"}))
        self.assertEqual(
            rows[0],
            ["编号", "指标", "目标值", "最新值（已审核）", "完成率", "时间进度", "状态", "预计全年", "报送单位", "最后更新"],
        )
        self.assertEqual(rows[1][:2], ["T10", "技术合同成交额"])
        self.assertEqual(rows[1][6], "严重滞后")
        self.assertEqual(len(rows), 2)

    def test_it_shows_an_error_for_a_bad_filter_and_ignores_it(self):
        self.client.force_login(self.leader)
        response = self.client.get(URL, {"status": "bogus", "month": "x"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "errorlist")
        self.assertContains(response, "月份须为 1 至 12 的整数")
        self.assertEqual(len(self.rows(response)), 43)

    def test_it_shows_another_month(self):
        self.client.force_login(self.leader)
        self.assertContains(self.client.get(URL, {"month": 1}), "9,800家（1月）")

    def test_it_lets_a_liaison_read_it(self):
        self.client.force_login(self.hongshan_liaison)
        self.assertContains(self.client.get(URL), "10,400家（3月）")


class TargetListQueryCountTest(PersonasTestCase):
    def test_it_uses_the_same_number_of_queries_for_more_data(self):
        self.client.force_login(self.leader)
        dashboard_seed.seed_months(self.plan, [1], staff=self.staff, extra_units=1)
        with self.assertNumQueries(14):
            self.client.get(URL, {"month": 3, "sort": "-status"})
        dashboard_seed.grow(self.plan, staff=self.staff)
        self.assertEqual(Target.objects.count(), 48)
        with self.assertNumQueries(14):
            self.client.get(URL, {"month": 3, "sort": "-status"})
