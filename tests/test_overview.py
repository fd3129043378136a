from django.urls import reverse

from reporting.services import approve_reports, reopen_report
from targets.models import Target
from tasks.models import MonthlyReport, Task
from tests import dashboard_seed
from tests.personas import PersonasTestCase

URL = reverse("overview")


class OverviewTest(dashboard_seed.ReadOnlyPageTests, PersonasTestCase):
    page_url = URL
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)

    def test_it_shows_the_headline_figures(self):
        self.client.force_login(self.leader)
        response = self.client.get(URL, {"month": 3})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "截至3月底")
        # 市科技局 reports 28 targets: 27 on their path in March, and 市级科技领军企业 (yearly) not yet
        # due. Of the other 15, three are half-yearly (科技领军人才, 本土优秀人才, 战略科技人才) and not
        # due in March either; the 12 left have no approved value.
        self.assertContains(response, '<div class="num">27</div><span class="status status-on_track">正常</span>', html=False)
        self.assertContains(response, '<div class="num">12</div><span class="status status-not_reported">未报送</span>')
        self.assertContains(response, '<div class="num">4</div><span class="status status-not_due">未到报送期</span>')
        # Task 7: 市经信局 assesses itself 进度滞后.
        self.assertContains(response, "7. 大力培育创新产业集群</a> <span class=\"status status-behind\">滞后</span>")
        # 市经信局 submitted March late; 市发改委 never submitted.
        late = [unit.code for unit, _state, _url in response.context["late_units"]]
        self.assertIn("jxj", late)
        self.assertIn("fgw", late)
        self.assertNotIn("kjj", late)
        self.assertContains(response, "已审核·逾期")

    def test_it_charts_every_target_against_time_progress(self):
        self.client.force_login(self.leader)
        response = self.client.get(URL, {"month": 3})
        figure = response.context["completion_figure"]
        names = [name for trace in figure["data"] for name in trace["y"][1]]
        self.assertIn("T08 高新技术企业数", names)
        self.assertEqual(len([t for t in figure["data"] if t.get("name", "").startswith("应完成进度")][0]["y"][1]), 43)
        self.assertIn("各项指标完成率与时间进度（截至3月底）", figure["layout"]["title"]["text"])
        self.assertContains(response, 'data-figure="fig-completion"')
        self.assertContains(response, 'id="fig-completion"')

    def test_it_lists_open_coordination_items_from_approved_reports_only(self):
        task9 = Task.objects.get(plan=self.plan, number=9)
        draft = dashboard_seed.report(self.plan, self.hongshan, 3, status=MonthlyReport.Status.DRAFT)
        dashboard_seed.progress(draft, task9, coordination="草稿中的协调事项")
        closed = dashboard_seed.report(self.plan, self.hongshan, 2)
        item = dashboard_seed.progress(closed, task9, coordination="已经办结的事项")
        item.coordination_closed = True
        item.save()
        self.client.force_login(self.leader)
        response = self.client.get(URL)
        self.assertContains(response, "高企认定奖补资金需市财政协调")
        self.assertNotContains(response, "草稿中的协调事项")
        self.assertNotContains(response, "已经办结的事项")

    def test_it_shows_an_earlier_month_when_picked(self):
        self.client.force_login(self.leader)
        response = self.client.get(URL, {"month": 1})
        self.assertContains(response, "截至1月底")
        self.assertContains(response, '<option value="1" selected>1月</option>')

    def test_it_rejects_a_bad_month_with_a_message(self):
        self.client.force_login(self.leader)
        response = self.client.get(URL, {"month": "13"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "月份须为 1 至 12 的整数")
        # The default instead: no month is complete (most units never reported), every month of
        # 2023 is past its due date → December.
        self.assertContains(response, "截至12月底")

    def test_it_exports_the_section_summary_and_the_coordination_items(self):
        self.client.force_login(self.leader)
        rows = dashboard_seed.xlsx_rows(self.client.get(URL, {"export": "sections"}))
        self.assertEqual(rows[0][:4], ["板块", "类别", "指标数", "已完成"])
        goal_three = [r for r in rows if r[0] == "（三）产业创新能力持续增强" and r[1] == "目标组"][0]
        self.assertEqual(goal_three[2], 5)
        rows = dashboard_seed.xlsx_rows(self.client.get(URL, {"export": "coordination"}))
        self.assertEqual(rows[1][3], "高企认定奖补资金需市财政协调")

    def test_it_lets_a_liaison_read_it(self):
        self.client.force_login(self.jxj_liaison)
        self.assertEqual(self.client.get(URL).status_code, 200)


class OverviewQueryCountTest(PersonasTestCase):
    def test_it_uses_the_same_number_of_queries_for_more_data(self):
        dashboard_seed.assert_queries_constant_as_data_grows(self, URL, 18)  # 18: with the open notices by kind


class OverviewAfterReviewTest(PersonasTestCase):
    """The overview reads the standings the review stores: an approval shows at once, a reopening too."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)
        # A monthly target no approved report has a value for yet (市科技局 reports the other 28).
        target = (
            Target.objects.filter(plan=cls.plan, frequency=Target.Frequency.MONTHLY)
            .exclude(reporting_unit=cls.kjj).order_by("code").first()
        )
        cls.april = dashboard_seed.report(cls.plan, target.reporting_unit, 4, status=MonthlyReport.Status.SUBMITTED)
        dashboard_seed.value(cls.april, target, target.value)

    # April: 27 of 市科技局's monthly and quarterly targets carry March's figure (本月未报送), and
    # 12 of the other 15 are due with no value (the three half-yearly ones are not due).
    NOT_REPORTED_12 = '<div class="num">12</div><span class="status status-not_reported">未报送</span>'
    NOT_REPORTED_11 = '<div class="num">11</div><span class="status status-not_reported">未报送</span>'

    def test_it_shows_an_approval_right_after_it(self):
        self.client.force_login(self.leader)
        self.assertContains(self.client.get(URL, {"month": 4}), self.NOT_REPORTED_12)
        approve_reports([self.april], self.staff)
        self.assertContains(self.client.get(URL, {"month": 4}), self.NOT_REPORTED_11)

    def test_it_drops_a_reopened_report_right_after_it(self):
        approve_reports([self.april], self.staff)
        self.client.force_login(self.jxj_liaison)
        self.assertContains(self.client.get(URL, {"month": 4}), self.NOT_REPORTED_11)
        reopen_report(self.april, self.staff, "数据口径有误")
        self.assertContains(self.client.get(URL, {"month": 4}), self.NOT_REPORTED_12)

    def test_it_says_how_many_targets_show_an_earlier_month(self):
        self.client.force_login(self.leader)
        # 27 of 市科技局's targets carry a March figure into April (T08, T11 and T12 are quarterly:
        # March is their latest period due, so they are not missing; 24 monthly ones are).
        self.assertContains(self.client.get(URL, {"month": 4}), "其中 24 项指标本期未报送")


class OverviewAnswersTest(PersonasTestCase):
    """The leader's three questions, answered at the top: what is behind, who is late, what December holds."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # 科技成果转化对接活动 (T29, 60 场, cumulative, even pace), 市科技局 on time in January–March:
        # 2, 5, 6 场. Expected shares 1/12, 2/12, 3/12; the fit through zero is
        # (2·1 + 5·2 + 6·3)/12 ÷ (1 + 4 + 9)/144 = 2.5 × 144/14 = 25.71 → 26 场 (a count: whole);
        # each month alone implies 24, 30 and 24 场, so the range is 24–30; 26/60 = 43.3 %;
        # still needed (60 − 6) ÷ 9 months = 6 场 a month. In March 6/60 = 10 % against 25 %: 滞后.
        cls.t29 = Target.objects.get(plan=cls.plan, code="T29")
        for month, number in ((1, 2), (2, 5), (3, 6)):
            monthly = dashboard_seed.report(cls.plan, cls.kjj, month, submitted_by=cls.staff, reviewed_by=cls.staff)
            dashboard_seed.value(monthly, cls.t29, number)
        dashboard_seed.refresh_plan(cls.plan)

    def answer(self, response, name):
        html = response.content.decode()
        start = html.index(f'class="answer answer-{name}"')
        return html[start:html.index("</div>", start)]

    def test_it_answers_the_three_questions_before_the_details(self):
        self.client.force_login(self.leader)
        response = self.client.get(URL, {"month": 3})
        html = response.content.decode()
        self.assertLess(html.index('class="answers"'), html.index('class="kpi-band"'))
        self.assertIn("<strong>1</strong> 项指标滞后或严重滞后", self.answer(response, "behind"))
        forecast = self.answer(response, "forecast")
        self.assertIn("<strong>1</strong> 项指标按目前进度预计完不成", forecast)
        self.assertIn("T29 科技成果转化对接活动</a>：预计年底可达 26场（区间 24–30场，完成 43.3%），可能完不成目标；还需月均 6场", forecast)
        self.assertIn(f'href="/targets/{self.t29.pk}/?month=3"', forecast)
        late = self.answer(response, "late")
        self.assertIn("市发改委", late)  # never reported March
        self.assertNotIn("市科技局", late)  # on time

    def test_it_links_the_forecast_answer_to_the_filtered_target_list(self):
        self.client.force_login(self.leader)
        response = self.client.get(reverse("targets:list"), {"month": 3, "forecast": "missed"})
        self.assertEqual([row.record.target.code for row in response.context["table"].rows], ["T29"])

    def test_it_refuses_an_unknown_forecast_filter_with_a_message(self):
        self.client.force_login(self.leader)
        response = self.client.get(reverse("targets:list"), {"month": 3, "forecast": "maybe"})
        self.assertContains(response, "选择一个有效的选项")
