from decimal import Decimal

from django.urls import reverse

from targets.models import Target, TargetValue
from targets.standing_store import refresh_plan
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
        refresh_plan(cls.plan)  # a fix behind the write path's back, as `manage.py rebuild_standings` follows one

    def rows(self, response):
        return {row.target.code: row for row in response.context["table"].data}

    def get(self, **params):
        return self.client.get(URL, {"month": 3, **params})

    def test_it_shows_each_target_with_its_standing(self):
        self.client.force_login(self.leader)
        response = self.get()
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
        self.assertEqual(list(self.rows(self.get(status="seriously_behind"))), ["T10"])
        # 15 targets of other units: 12 due in March without a value, 3 half-yearly ones not yet due.
        self.assertEqual(len(self.rows(self.get(status="not_reported"))), 12)
        self.assertEqual(sorted(self.rows(self.get(status="not_due"))), ["T14", "T15", "T27", "T36"])
        task9 = self.plan.tasks.get(number=9)
        self.assertEqual(sorted(self.rows(self.get(task=task9.pk))), ["T08", "T09", "T26", "T27"])
        goal_three = self.plan.sections.get(kind="goal", number=3)
        self.assertEqual(len(self.rows(self.get(section=goal_three.pk))), 5)
        # Area (九), tasks 20–22: T13, T40–T42 (task 20) and T16–T18, T43 (task 21), each once.
        area_nine = self.plan.sections.get(kind="task", number=9)
        self.assertEqual(
            sorted(self.rows(self.get(section=area_nine.pk))), ["T13", "T16", "T17", "T18", "T40", "T41", "T42", "T43"]
        )
        self.assertEqual(sorted(self.rows(self.get(kind="rate", unit=self.kjj.pk))), ["T11", "T12", "T42"])
        self.assertEqual(list(self.rows(self.get(q="高新技术企业"))), ["T08"])

    def test_it_sorts_by_status_and_completion(self):
        self.client.force_login(self.leader)
        statuses = [row.status for row in self.get(sort="-status").context["table"].data]
        self.assertEqual(statuses[0], "not_due")
        self.assertEqual(statuses[-1], "on_track")
        completions = [r.completion for r in self.get(sort="completion").context["table"].data if not r.target.is_percent]
        reported = [c for c in completions if c is not None]
        self.assertEqual(reported, sorted(reported))
        self.assertIsNone(completions[0])  # not reported first when ascending

    def test_it_keeps_the_filter_when_resorting_and_paging(self):
        self.client.force_login(self.leader)
        task9 = self.plan.tasks.get(number=9)
        response = self.get(task=task9.pk, sort="-status")
        self.assertEqual(sorted(self.rows(response)), ["T08", "T09", "T26", "T27"])
        self.assertEqual(list(self.rows(response))[0], "T27")  # 未到报送期 sorts last, first descending
        self.assertContains(response, f'<option value="{task9.pk}" selected>')

    def test_it_exports_the_columns_shown(self):
        self.client.force_login(self.leader)
        rows = dashboard_seed.xlsx_rows(self.get(export="xlsx", status="seriously_behind"))
        # The columns on screen, in their order, each typed figure with its unit, month or gap beside it.
        self.assertEqual(
            rows[0],
            ["编号", "指标", "目标值", "单位", "目标表述", "最新值（已审核）", "数据月份", "报送提示", "完成率",
             "较目标（百分点）", "时间进度", "状态", "预计全年", "预计完成率", "预计较目标（百分点）", "预计提示",
             "报送单位", "最后更新"],
        )
        self.assertEqual(rows[1][:2], ["T10", "技术合同成交额"])
        self.assertEqual(rows[1][rows[0].index("状态")], "严重滞后")
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
        # January: T10 at 120.83; T08 is quarterly and not yet due.
        response = self.client.get(URL, {"month": 1})
        self.assertContains(response, "120.83亿元（1月）")
        self.assertEqual(self.rows(response)["T08"].status, "not_due")

    def test_it_lets_a_liaison_read_it(self):
        self.client.force_login(self.hongshan_liaison)
        self.assertContains(self.get(), "10,400家（3月）")


class TargetListQueryCountTest(PersonasTestCase):
    def test_it_uses_the_same_number_of_queries_for_more_data(self):
        self.client.force_login(self.leader)
        dashboard_seed.seed_months(self.plan, [1], staff=self.staff, extra_units=1)
        with self.assertNumQueries(11):
            self.client.get(URL, {"month": 3, "sort": "-status"})
        dashboard_seed.grow(self.plan, staff=self.staff)
        self.assertEqual(Target.objects.count(), 48)
        with self.assertNumQueries(11):
            self.client.get(URL, {"month": 3, "sort": "-status"})
