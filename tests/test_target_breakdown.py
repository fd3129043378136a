"""A city target broken down into district shares (targets/breakdown.py): the rule, the stored city
standing through the write path, the target page's table and chart, the staff page that creates
the shares in a draft, the districts' scoping, and copying a plan with its breakdowns."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting import services
from targets import breakdown, plan_authoring
from targets.models import Target, TargetStanding, TargetValue
from targets.standing_store import refresh_plan, stored_differences
from tasks.models import MonthlyReport
from tasks.reporting import targets_for_unit, tasks_for_unit
from tests import dashboard_seed
from tests.reporting_base import ReportingTestCase
from units.models import Unit

D = Decimal
SUM, MEAN, NONE = Target.ShareRule.SUM, Target.ShareRule.MEAN, Target.ShareRule.NONE


def make_share(city, unit, value, code=None):
    return Target.objects.create(
        plan=city.plan, breakdown_of=city, code=code or f"{city.code}.{unit.position:02d}",
        name=f"{city.name}（{unit.name}）", value=D(value), unit_of_measure=city.unit_of_measure,
        comparison=city.comparison, comparison_wording=city.comparison_wording, kind=city.kind,
        reporting_unit=unit, source_text=city.source_text, position=city.position, frequency=city.frequency,
    )


def standing(target, month):
    return TargetStanding.objects.get(target=target, month=month)


class BreakdownTestCase(ReportingTestCase):
    """T10 技术合同成交额 (1450 亿元, cumulative, monthly, reported by 市科技局) broken down into
    江岸区 500, 武昌区 600 and 洪山区 350; T16 科技贷款余额增幅 (10 %, a rate) into the same three at
    10 % each, averaged."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.jiangan = Unit.objects.get(code="jiangan")
        cls.wuchang = Unit.objects.get(code="wuchang")
        cls.contracts = Target.objects.get(plan=cls.plan, code="T10")
        cls.jiangan_contracts = make_share(cls.contracts, cls.jiangan, 500)
        cls.wuchang_contracts = make_share(cls.contracts, cls.wuchang, 600)
        cls.hongshan_contracts = make_share(cls.contracts, cls.hongshan, 350)
        cls.loan_growth.share_rule = MEAN
        cls.loan_growth.save()
        cls.growth_shares = [make_share(cls.loan_growth, unit, 10) for unit in (cls.jiangan, cls.wuchang, cls.hongshan)]
        refresh_plan(cls.plan)

    def approved_values(self, month, figures):
        """Approved reports of `month` holding {target: number}, created directly (as a bulk load)."""
        reports = {}
        for target, number in figures.items():
            unit = target.reporting_unit
            if unit.pk not in reports:
                existing = MonthlyReport.objects.filter(plan=self.plan, unit=unit, month=month).first()
                if existing is not None:  # the draft ReportingTestCase opened
                    existing.status = MonthlyReport.Status.APPROVED
                    existing.save()
                reports[unit.pk] = existing or dashboard_seed.report(self.plan, unit, month, reviewed_by=self.staff)
            dashboard_seed.value(reports[unit.pk], target, number)
        refresh_plan(self.plan)


class BreakdownRuleTest(BreakdownTestCase):
    def test_it_sums_three_districts(self):
        self.assertEqual(breakdown.combined_figure(SUM, [D(12), D(30), D(8)]), D(50))

    def test_it_averages_a_rate_over_the_districts_that_reported(self):
        # (9.5 + 12 + 6.1) ÷ 3 = 9.2; (1 + 1 + 2) ÷ 3 = 1.3333 to the figures' four places.
        self.assertEqual(breakdown.combined_figure(MEAN, [D("9.5"), D(12), D("6.1")]), D("9.2"))
        self.assertEqual(breakdown.combined_figure(MEAN, [D(1), D(1), D(2)]), D("1.3333"))
        self.assertEqual(breakdown.combined_figure(MEAN, [D(9), None, D(12)]), D("10.5"))

    def test_it_has_no_city_figure_without_a_district_or_with_the_rule_none(self):
        self.assertIsNone(breakdown.combined_figure(SUM, []))
        self.assertIsNone(breakdown.combined_figure(NONE, [D(12), D(30)]))

    def test_it_splits_the_city_value_evenly_as_a_starting_point(self):
        self.assertEqual(breakdown.even_split(self.contracts, 17), D(85))  # 1450 ÷ 17 = 85.29
        self.assertEqual(breakdown.even_split(self.contracts, 4), D("363"))  # 362.5, whole numbers
        self.assertEqual(breakdown.even_split(self.loan_growth, 17), D(10))  # a rate is not split
        infrastructure = Target.objects.get(plan=self.plan, code="T01")  # 4 个, a milestone
        self.assertEqual(breakdown.even_split(infrastructure, 3), D(2))  # 4 ÷ 3 rounded up

    def test_the_city_standing_is_the_sum_of_the_districts(self):
        # 市科技局's own 100 for the city target does not count: the districts' 12 + 30 + 8 = 50 does.
        self.approved_values(3, {
            self.jiangan_contracts: 12, self.wuchang_contracts: 30, self.hongshan_contracts: 8, self.contracts: 100,
        })
        city = standing(self.contracts, 3)
        self.assertEqual(city.value, D(50))
        self.assertEqual(city.value_month, 3)
        self.assertEqual(city.completion, D("3.4"))  # 50 ÷ 1450 = 3.45 %
        self.assertEqual(city.monthly_values, {3: D(50)})

    def test_a_partly_reported_month_counts_the_districts_that_reported(self):
        self.approved_values(3, {self.jiangan_contracts: 12, self.hongshan_contracts: 8})
        self.assertEqual(standing(self.contracts, 3).value, D(20))
        self.client.force_login(self.leader)
        response = self.client.get(reverse("targets:detail", args=[self.contracts.pk]), {"month": 3})
        self.assertContains(response, "已报 2/3 个区（3月）")
        self.assertContains(response, "20亿元（3月）")

    def test_the_city_rate_is_the_mean_of_the_districts(self):
        # (9 + 12 + 6) ÷ 3 = 9 %: one point below the 10 % target.
        self.approved_values(3, dict(zip(self.growth_shares, [9, 12, 6], strict=True)))
        city = standing(self.loan_growth, 3)
        self.assertEqual(city.value, D(9))
        self.assertEqual(city.points, D("-1.0"))

    def test_the_rule_none_keeps_the_city_units_own_figure(self):
        Target.objects.filter(pk=self.contracts.pk).update(share_rule=NONE)
        self.approved_values(3, {self.jiangan_contracts: 12, self.contracts: 100})
        self.assertEqual(standing(self.contracts, 3).value, D(100))

    def test_the_stored_standings_agree_with_the_rules(self):
        self.approved_values(3, {self.jiangan_contracts: 12, self.hongshan_contracts: 8})
        self.approved_values(3, dict(zip(self.growth_shares[:2], [9, D("12.5")], strict=True)))
        self.assertEqual(stored_differences(self.plan), [])


class BreakdownWritePathTest(BreakdownTestCase):
    def hongshan_report_with(self, month, figures):
        """洪山区's report of `month` filled through the services (its shares, then its tasks) and submitted."""
        report = services.get_or_create_report(self.plan, self.hongshan, month)
        for target in targets_for_unit(self.plan, self.hongshan, month):
            services.save_target_value(
                report, target, value=figures.get(target.pk, target.value), note="已核实", source="测试",
                user=self.hongshan_liaison,
            )
        for task in tasks_for_unit(self.plan, self.hongshan):
            services.save_progress(report, task, **self.progress_data(), user=self.hongshan_liaison)
        return services.submit_report(MonthlyReport.objects.get(pk=report.pk), self.hongshan_liaison)

    def test_approving_a_districts_value_refreshes_the_city_standing_and_reopening_takes_it_back(self):
        report = self.hongshan_report_with(3, {self.hongshan_contracts.pk: D(8)})
        self.assertIsNone(standing(self.contracts, 3).value)  # submitted, not yet approved
        services.approve_reports([report], self.staff)
        city = standing(self.contracts, 3)
        self.assertEqual((city.value, city.value_month), (D(8), 3))
        self.assertEqual(standing(self.hongshan_contracts, 3).value, D(8))
        services.reopen_report(MonthlyReport.objects.get(pk=report.pk), self.staff, "数据口径有误")
        city = standing(self.contracts, 3)
        self.assertIsNone(city.value)
        self.assertEqual(city.status, "not_reported")

    def test_returning_a_submitted_report_leaves_the_city_figure_of_the_approved_ones(self):
        self.approved_values(3, {self.jiangan_contracts: 12})
        report = self.hongshan_report_with(3, {self.hongshan_contracts.pk: D(8)})
        services.return_report(report, self.staff, "请补充说明")
        self.assertEqual(standing(self.contracts, 3).value, D(12))


class BreakdownPageTest(BreakdownTestCase):
    def setUp(self):
        self.approved_values(3, {self.jiangan_contracts: 12, self.wuchang_contracts: 30, self.hongshan_contracts: 8})
        self.client.force_login(self.leader)

    def page(self, target, **params):
        return self.client.get(reverse("targets:detail", args=[target.pk]), {"month": 3, **params})

    def test_it_shows_each_districts_target_figure_completion_and_status(self):
        response = self.page(self.contracts)
        self.assertContains(response, "各区分解")
        self.assertContains(response, "全市数值：各区数值求和")
        self.assertContains(response, "已报 3/3 个区（3月）")
        self.assertContains(response, "50亿元（3月）")  # the city's latest figure: 12 + 30 + 8
        rows = response.content.decode().split('<table class="plain breakdown-table">')[1].split("</table>")[0]
        order = [rows.index(name) for name in ("江岸区人民政府", "武昌区人民政府", "洪山区人民政府")]
        self.assertEqual(order, sorted(order))
        for share, latest, completion in (
            (self.jiangan_contracts, "12亿元（3月）", "2.4%"),  # 12 ÷ 500
            (self.wuchang_contracts, "30亿元（3月）", "5.0%"),  # 30 ÷ 600
            (self.hongshan_contracts, "8亿元（3月）", "2.3%"),  # 8 ÷ 350 = 2.29
        ):
            self.assertIn(share.wording, rows)
            self.assertIn(latest, rows)
            self.assertIn(f"<td>{completion}</td>", rows)
            self.assertIn(reverse("targets:detail", args=[share.pk]), rows)

    def test_the_monthly_table_shows_the_city_figure_made_of_the_districts(self):
        # The city unit (市科技局) reports no figure of its own: March's row is 12 + 30 + 8 = 50,
        # 50 ÷ 1,450 = 3.4 %, with the rule named where a reported row has its note.
        table = self.page(self.contracts).context["table"]
        rows = [(row.get_cell("month"), row.get_cell("value"), row.get_cell("note")) for row in table.rows]
        self.assertEqual(rows, [("3月", "50亿元", "由3个区已审核数值求和得出")])
        self.assertIn("3.4%", str(table.rows[0].get_cell("completion")))

    def test_the_status_is_read_from_each_shares_stored_standing(self):
        # A stored row changed behind the rules' back shows on the page: the page does not recompute it.
        TargetStanding.objects.filter(target=self.wuchang_contracts, month=3).update(status="done")
        response = self.page(self.contracts)
        rows = response.content.decode().split('<table class="plain breakdown-table">')[1]
        wuchang_row = rows.split("武昌区人民政府")[1].split("</tr>")[0]
        self.assertIn('<span class="status status-done">已完成</span>', wuchang_row)

    def test_the_chart_has_one_bar_per_district_as_long_as_its_completion(self):
        figure = self.page(self.contracts).context["breakdown"]["figure"]
        bars = figure["data"][0]
        self.assertEqual(bars["y"], ["江岸区人民政府", "武昌区人民政府", "洪山区人民政府"])
        self.assertEqual(bars["x"], [2.4, 5.0, 2.3])
        self.assertIn("技术合同成交额：各区完成率（截至3月底）", figure["layout"]["title"]["text"])

    def test_a_rates_bars_are_its_figure_as_a_share_of_the_target(self):
        self.approved_values(3, dict(zip(self.growth_shares, [9, 12, 6], strict=True)))
        response = self.page(self.loan_growth)
        self.assertEqual(response.context["breakdown"]["figure"]["data"][0]["x"], [90.0, 120.0, 60.0])
        self.assertContains(response, "全市数值：各区数值平均")
        self.assertContains(response, "9%（3月）")

    def test_a_shares_page_links_to_its_city_target(self):
        response = self.page(self.hongshan_contracts)
        self.assertContains(response, "分区指标，属于全市指标：")
        self.assertContains(response, f'href="{reverse("targets:detail", args=[self.contracts.pk])}?')
        self.assertNotContains(response, "各区分解")

    def test_a_target_without_shares_shows_no_breakdown(self):
        response = self.page(Target.objects.get(plan=self.plan, code="T09"))
        self.assertNotContains(response, "各区分解")
        self.assertNotContains(response, "分区指标，属于全市指标")

    def test_a_district_liaison_reads_the_city_page(self):
        self.client.force_login(self.hongshan_liaison)
        self.assertContains(self.page(self.contracts), "已报 3/3 个区（3月）")

    def test_the_page_makes_the_same_queries_for_3_and_17_districts(self):
        url = reverse("targets:detail", args=[self.contracts.pk])
        self.client.get(url, {"month": 3})  # the session's first write out of the way
        with CaptureQueriesContext(transaction.get_connection()) as three:
            self.client.get(url, {"month": 3})
        shared = {self.jiangan.pk, self.wuchang.pk, self.hongshan.pk}
        for unit in self.districts.members.exclude(pk__in=shared):
            make_share(self.contracts, unit, 50)
        refresh_plan(self.plan)
        self.assertEqual(self.contracts.shares.count(), 17)
        with self.assertNumQueries(len(three.captured_queries)):
            response = self.client.get(url, {"month": 3})
        self.assertContains(response, "已报 3/17 个区（3月）")
        self.assertEqual(len(response.context["breakdown"]["figure"]["data"][0]["x"]), 17)


class BreakdownScopingTest(BreakdownTestCase):
    """A district liaison reports and sees only its own share; the city target's page stays readable."""

    def setUp(self):
        self.jiangan_report = services.get_or_create_report(self.plan, self.jiangan, 3)
        services.save_target_value(
            self.jiangan_report, self.jiangan_contracts, value=D(12), note="已核实", user=self.staff
        )
        self.client.force_login(self.hongshan_liaison)

    def test_the_hongshan_liaison_gets_404_on_jiangans_report_and_values(self):
        self.assertEqual(self.client.get(reverse("reporting:report", args=[self.jiangan_report.pk])).status_code, 404)
        values_url = reverse("reporting:values", args=[self.jiangan_report.pk])
        self.assertEqual(self.client.get(values_url).status_code, 404)
        field = f"value_{self.jiangan_contracts.pk}"
        self.assertEqual(self.client.post(values_url, {field: "999"}).status_code, 404)
        self.assertEqual(TargetValue.objects.get(target=self.jiangan_contracts).value, D(12))

    def test_the_hongshan_liaison_cannot_enter_jiangans_share_in_its_own_report(self):
        with self.assertRaises(services.NotEditable):
            services.save_target_value(
                self.hongshan_report, self.jiangan_contracts, value=D(5), note="x", user=self.hongshan_liaison
            )
        self.assertFalse(TargetValue.objects.filter(target=self.jiangan_contracts, unit=self.hongshan).exists())

    def test_the_hongshan_liaison_sees_only_its_own_share_to_report(self):
        response = self.client.get(reverse("reporting:values", args=[self.hongshan_report.pk]))
        self.assertContains(response, "技术合同成交额（洪山区人民政府）")
        self.assertNotContains(response, "技术合同成交额（江岸区人民政府）")
        self.assertNotContains(response, "技术合同成交额（武昌区人民政府）")

    def test_other_districts_figures_are_out_of_the_liaisons_scoped_values(self):
        services.save_target_value(
            self.hongshan_report, self.hongshan_contracts, value=D(8), note="已核实", user=self.hongshan_liaison
        )
        visible = TargetValue.objects.for_user(self.hongshan_liaison).filter(target__breakdown_of=self.contracts)
        self.assertEqual([(v.target_id, v.value) for v in visible], [(self.hongshan_contracts.pk, D(8))])

    def test_the_city_target_page_is_readable_as_before(self):
        self.assertEqual(self.client.get(reverse("targets:detail", args=[self.contracts.pk])).status_code, 200)


class BreakdownModelTest(BreakdownTestCase):
    def test_a_share_belongs_to_its_city_targets_plan(self):
        draft = plan_authoring.copy_plan(self.plan, year=2024, code="2024", title="2024年（草稿）", user=self.staff)
        share = Target(
            plan=draft, breakdown_of=self.contracts, code="T10.99", name="跨年分区", value=D(1),
            unit_of_measure="亿元", comparison="at_least", comparison_wording="—", kind="cumulative",
            reporting_unit=self.jiangan, source_text="测试",
        )
        with self.assertRaises(ValidationError) as raised:
            share.full_clean()
        self.assertIn("分区指标须与全市指标属于同一工作要点。", raised.exception.message_dict["breakdown_of"])

    def test_a_share_has_no_share_of_its_own(self):
        nested = Target(
            plan=self.plan, breakdown_of=self.hongshan_contracts, code="T10.33.01", name="再分解", value=D(1),
            unit_of_measure="亿元", comparison="at_least", comparison_wording="—", kind="cumulative",
            reporting_unit=self.hongshan, source_text="测试",
        )
        with self.assertRaises(ValidationError) as raised:
            nested.full_clean()
        self.assertIn("分区指标不能再分解。", raised.exception.message_dict["breakdown_of"])
        self.contracts.breakdown_of = self.loan_growth
        with self.assertRaises(ValidationError) as raised:
            self.contracts.full_clean()
        self.assertIn("已分解到各区的指标不能作为分区指标。", raised.exception.message_dict["breakdown_of"])

    def test_a_district_has_one_share_per_city_target(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_share(self.contracts, self.hongshan, 1, code="T10.99")


class BreakdownPlanCopyTest(BreakdownTestCase):
    def test_copying_a_plan_keeps_its_breakdowns(self):
        draft = plan_authoring.copy_plan(self.plan, year=2024, code="2024", title="2024年（草稿）", user=self.staff)
        city = draft.targets.get(code="T10")
        self.assertEqual(
            sorted((s.code, s.reporting_unit.code, s.value) for s in city.shares.all()),
            [("T10.27", "jiangan", D(500)), ("T10.31", "wuchang", D(600)), ("T10.33", "hongshan", D(350))],
        )
        growth = draft.targets.get(code="T16")
        self.assertEqual(growth.share_rule, MEAN)
        self.assertEqual(growth.shares.count(), 3)
        self.assertFalse(draft.targets.filter(breakdown_of__plan=self.plan).exists())


class BreakdownCreatePageTest(BreakdownTestCase):
    """Staff break a draft's T09 科技型中小企业评价入库数 (9000 家) down on /plans/2024/targets/T09/breakdown/."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.draft = plan_authoring.copy_plan(cls.plan, year=2024, code="2024", title="2024年（草稿）", user=cls.staff)
        cls.city = cls.draft.targets.get(code="T09")
        cls.url = reverse("plans:breakdown", args=["2024", "T09"])

    def setUp(self):
        self.client.force_login(self.staff)

    def create_two(self):
        """Shares for 江岸区 and 洪山区: 9000 ÷ 2 = 4500 each."""
        districts = [self.hongshan.pk, self.jiangan.pk]
        self.client.post(self.url, {"action": "create", "share_rule": "sum", "districts": districts})

    def test_it_creates_a_share_for_every_member_of_the_districts_group(self):
        page = self.client.get(self.url)
        self.assertContains(page, "分解到各区：T09 科技型中小企业评价入库数")
        self.assertContains(page, "洪山区人民政府")
        response = self.client.post(self.url, {"action": "create", "share_rule": "sum", "group": self.districts.pk})
        self.assertRedirects(response, self.url)
        shares = list(self.city.shares.select_related("reporting_unit").order_by("code"))
        self.assertEqual(len(shares), 17)
        first = shares[0]
        self.assertEqual((first.code, first.reporting_unit.code), ("T09.01", "jiangan"))
        self.assertEqual(first.name, "科技型中小企业评价入库数（江岸区人民政府）")
        for share in shares:
            self.assertEqual(
                (share.kind, share.frequency, share.comparison, share.unit_of_measure, share.value),
                (self.city.kind, self.city.frequency, self.city.comparison, self.city.unit_of_measure, D(529)),
            )  # 9000 ÷ 17 = 529.41
            self.assertEqual(share.history.first().history_user, self.staff)
        page = self.client.get(self.url)
        # 529 × 17 = 8993: a warning, not an error.
        self.assertContains(page, "各区目标值合计 8,993家，与全市目标 9,000家 不一致（仅提示，可以保存）。")

    def test_it_creates_shares_for_the_districts_chosen(self):
        response = self.client.post(
            self.url, {"action": "create", "share_rule": "sum", "districts": [self.hongshan.pk, self.jiangan.pk]},
        )
        self.assertRedirects(response, self.url)
        self.assertEqual(
            sorted(self.city.shares.values_list("code", "reporting_unit__code", "value")),
            [("T09.01", "jiangan", D(4500)), ("T09.07", "hongshan", D(4500))],
        )

    def test_choosing_no_district_is_refused_with_nothing_saved(self):
        response = self.client.post(self.url, {"action": "create", "share_rule": "sum"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "请选择至少一个区，或选择一个单位组的全部成员。", status_code=400)
        self.assertContains(response, "请改正以下错误，未保存任何内容。", status_code=400)
        self.assertFalse(self.city.shares.exists())

    def test_it_saves_the_districts_values_and_warns_only_on_a_mismatch(self):
        self.create_two()
        jiangan, hongshan = self.city.shares.order_by("code")
        data = {"action": "values", "share_rule": "sum", f"value_{jiangan.pk}": "5000", f"value_{hongshan.pk}": "4,000"}
        response = self.client.post(self.url, data, follow=True)
        self.assertContains(response, "已保存各区目标值。")
        self.assertNotContains(response, "不一致")
        self.assertEqual(sorted(self.city.shares.values_list("value", flat=True)), [D(4000), D(5000)])
        data[f"value_{hongshan.pk}"] = "3000"
        response = self.client.post(self.url, data, follow=True)
        self.assertContains(response, "各区目标值合计 8,000家，与全市目标 9,000家 不一致（仅提示，可以保存）。")
        self.assertEqual(Target.objects.get(pk=hongshan.pk).value, D(3000))

    def test_a_value_not_above_zero_is_refused_on_its_row_with_nothing_saved(self):
        self.create_two()
        jiangan, hongshan = self.city.shares.order_by("code")
        response = self.client.post(self.url, {
            "action": "values", "share_rule": "mean", f"value_{jiangan.pk}": "5000", f"value_{hongshan.pk}": "0",
        })
        self.assertContains(response, "洪山区人民政府：目标值须大于 0。", status_code=400)
        response = self.client.post(self.url, {
            "action": "values", "share_rule": "sum", f"value_{jiangan.pk}": "5000", f"value_{hongshan.pk}": "很多",
        })
        self.assertContains(response, "洪山区人民政府：目标值须为数字。", status_code=400)
        self.assertEqual(sorted(self.city.shares.values_list("value", flat=True)), [D(4500), D(4500)])
        self.assertEqual(Target.objects.get(pk=self.city.pk).share_rule, SUM)

    def test_a_published_plans_target_is_not_broken_down_here(self):
        url = reverse("plans:breakdown", args=["2023", "T09"])
        self.assertContains(self.client.get(url), "已发布的工作要点不能在此分解指标")
        response = self.client.post(url, {"action": "create", "share_rule": "sum", "group": self.districts.pk})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Target.objects.filter(plan=self.plan, code="T09").get().shares.exists())

    def test_a_share_is_not_broken_down_again(self):
        self.client.post(self.url, {"action": "create", "share_rule": "sum", "districts": [self.hongshan.pk]})
        url = reverse("plans:breakdown", args=["2024", "T09.07"])
        self.assertContains(self.client.get(url), "这是分区指标，不能再分解。")

    def test_the_plan_page_links_to_the_breakdown(self):
        self.assertContains(self.client.get(reverse("plans:detail", args=["2024"])), f'href="{self.url}"')

    def test_it_is_for_staff_only(self):
        self.client.force_login(self.hongshan_liaison)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.client.force_login(self.leader)
        response = self.client.post(self.url, {"action": "create", "share_rule": "sum", "group": self.districts.pk})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.city.shares.exists())

    def test_it_redirects_anonymous_users_to_login(self):
        self.client.logout()
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])

    def test_it_allows_only_get_and_post(self):
        self.assertEqual(self.client.put(self.url).status_code, 405)


class CityUnitReportingTest(BreakdownTestCase):
    """The city target's own unit (市科技局 for T10) is not asked for a figure its standing would ignore."""

    def test_it_asks_the_districts_not_the_city_unit_for_a_combined_figure(self):
        kjj = self.contracts.reporting_unit
        self.assertNotIn("T10", [t.code for t in targets_for_unit(self.plan, kjj, 5)])
        self.assertIn("T10.", " ".join(t.code for t in targets_for_unit(self.plan, self.hongshan, 5)))
        report = services.get_or_create_report(self.plan, kjj, 5)
        self.client.force_login(self.staff)
        page = self.client.get(reverse("reporting:values", args=[report.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "T26")  # 市科技局's own targets are there
        self.assertNotContains(page, self.contracts.name)

    def test_it_still_asks_the_city_unit_under_the_rule_none(self):
        self.contracts.share_rule = NONE
        self.contracts.save()
        self.assertIn("T10", [t.code for t in targets_for_unit(self.plan, self.contracts.reporting_unit, 5)])
