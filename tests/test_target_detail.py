from django.urls import reverse

from targets.models import Target
from tasks.models import MonthlyReport
from tests import dashboard_seed
from tests.personas import PersonasTestCase


class TargetDetailTest(dashboard_seed.ReadOnlyPageTests, PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)
        cls.target = Target.objects.get(plan=cls.plan, code="T08")  # 高新技术企业数: a quarterly stock
        cls.url = cls.page_url = reverse("targets:detail", args=[cls.target.pk])
        cls.contracts = Target.objects.get(plan=cls.plan, code="T10")  # 技术合同成交额: monthly, cumulative
        cls.contracts_url = reverse("targets:detail", args=[cls.contracts.pk])

    def test_it_shows_a_quarterly_stock_judged_from_its_trend(self):
        self.client.force_login(self.leader)
        response = self.client.get(self.url, {"month": 3})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "T08 高新技术企业数")
        self.assertContains(response, "突破13,000家")  # the plan's own qualifier
        self.assertContains(response, "每季度")
        self.assertContains(response, "高新技术企业分批认定、公示，按季度报送认定结果")
        # January and February are not its periods: only March's 10,400 counts.
        self.assertContains(response, "10,400家（3月）")
        self.assertContains(response, '<span class="status status-on_track">正常</span>')
        self.assertContains(response, "未设置：计划未给出年初基数，状态仅按趋势判断。")
        self.assertContains(response, "已审核数据不足两个月，暂不预计全年。")

    def test_it_states_the_forecast_and_its_method(self):
        self.client.force_login(self.leader)
        response = self.client.get(self.contracts_url, {"month": 3})
        # 120.83, 241.67, 362.50: Σ s·v = 1691.67/12, Σ s² = 14/144 → 1691.67 × 12/14 = 1,450.00;
        # each month alone 1,449.96, 1,450.02, 1,450; still needed (1450 − 362.5) ÷ 9 = 120.83.
        self.assertContains(
            response, "预计年底可达 1,450亿元（区间 1,449.96–1,450.02亿元，完成 100.0%）；还需月均 120.83亿元"
        )
        self.assertContains(response, "按已报 3 个月的累计进度，沿应达进度曲线（最小二乘拟合）外推至12月。")

    def test_it_shows_an_earlier_month_s_figure_with_its_month(self):
        self.client.force_login(self.leader)
        response = self.client.get(self.contracts_url, {"month": 5})
        self.assertContains(response, "362.5亿元（3月）")
        self.assertContains(response, "数据截至3月")
        self.assertContains(response, "本月未报送")
        self.assertContains(response, "按3月数据判断")
        self.assertEqual(response.context["standing"].status, "on_track")  # 25% of the way at March's 25%

    def test_it_charts_values_target_line_expected_path_and_forecast(self):
        self.client.force_login(self.leader)
        figure = self.client.get(self.contracts_url, {"month": 3}).context["figure"]
        traces = {trace["name"]: trace for trace in figure["data"]}
        self.assertEqual(set(traces), {"目标值", "应达进度", "实际值（已审核）", "预计全年"})
        self.assertEqual(traces["实际值（已审核）"]["y"], [120.83, 241.67, 362.5])
        self.assertEqual(traces["目标值"]["y"], [1450.0, 1450.0])
        self.assertEqual(traces["预计全年"]["x"][0], 3)
        self.assertEqual(traces["预计全年"]["x"][-1], 12)
        self.assertEqual(traces["预计全年"]["y"][-1], 1450.0)
        self.assertIn("3月 实际：362.5亿元", traces["实际值（已审核）"]["hovertext"][2])
        self.assertEqual(figure["layout"]["yaxis"]["title"]["text"], "数值（亿元）")

    def test_it_lists_monthly_values_with_who_reported_and_approved(self):
        self.client.force_login(self.leader)
        response = self.client.get(self.url, {"month": 3})
        table = response.context["table"]
        self.assertEqual([v.month for v in table.data], [3])  # a quarterly target's periods only
        rows = dashboard_seed.xlsx_rows(self.client.get(self.url, {"export": "xlsx", "month": 3}))
        self.assertEqual(rows[0][:2], ["月份", "数值"])
        self.assertIn("报送人", rows[0])
        self.assertEqual(rows[1][:3], [3, 10400, "家"])  # typed: the month and the value numbers, the unit apart
        self.assertEqual(rows[1][rows[0].index("审核人")], "staff")

    def test_it_ignores_values_not_yet_approved(self):
        pending = dashboard_seed.report(self.plan, self.kjj, 6, status=MonthlyReport.Status.SUBMITTED)
        dashboard_seed.value(pending, self.target, 99999)
        self.client.force_login(self.leader)
        response = self.client.get(self.url, {"month": 6})
        self.assertNotContains(response, "99,999")
        self.assertContains(response, "10,400家（3月）")
        self.assertContains(response, "本期未报送")  # June was due

    def test_it_returns_404_for_an_unknown_target(self):
        self.client.force_login(self.leader)
        self.assertEqual(self.client.get(reverse("targets:detail", args=[99999])).status_code, 404)

    def test_it_lets_a_liaison_of_another_unit_read_approved_figures(self):
        self.client.force_login(self.hongshan_liaison)
        self.assertContains(self.client.get(self.url, {"month": 3}), "10,400家（3月）")

    def test_it_rejects_a_bad_month(self):
        self.client.force_login(self.leader)
        self.assertContains(self.client.get(self.url, {"month": "0"}), "月份须为 1 至 12 的整数")

    def test_it_shows_a_rate_in_percentage_points_without_time_progress(self):
        growth = Target.objects.get(plan=self.plan, code="T11")  # 11.5%以上, seeded at 11.5 in March
        self.client.force_login(self.leader)
        response = self.client.get(reverse("targets:detail", args=[growth.pk]), {"month": 3})
        self.assertContains(response, "11.5%以上")
        self.assertContains(response, "与目标相比")
        self.assertContains(response, "与目标持平")
        self.assertNotContains(response, "<dt>时间进度</dt>")
        self.assertNotContains(response, "<dt>完成率</dt>")


class TargetDetailQueryCountTest(PersonasTestCase):
    def test_it_uses_the_same_number_of_queries_for_more_data(self):
        target = Target.objects.get(plan=self.plan, code="T08")
        url = reverse("targets:detail", args=[target.pk])
        # 17: the target's open leaders' instructions (reports/templatetags/instructions.py) are one query,
        # its district shares' standings (targets/views/breakdown.py) another, the same target in earlier
        # years one more (targets/earlier_years.py: run with or without an earlier plan).
        dashboard_seed.assert_queries_constant_as_data_grows(self, url, 16)
