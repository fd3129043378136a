"""A target across the years on its page: the same target in earlier plans (matched by code or chosen
by staff, POST /targets/<id>/counterpart/) drawn as lines beside this year's, in constant queries."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets import plan_authoring
from targets.earlier_years import earlier_years
from targets.models import Target
from tests.personas import PersonasTestCase
from tests.years_support import T10_2022, T10_2023, ThreeYearsTestCase, copy_year, report_values


def traces_of(response):
    return {trace["name"]: trace for trace in response.context["figure"]["data"]}


def year_lines(response):
    """The names of the chart's earlier-year lines (2022年 …), in their order."""
    return [name for name in traces_of(response) if re.fullmatch(r"\d{4}年", name)]


class EarlierYearsChartTest(ThreeYearsTestCase):
    def setUp(self):
        self.page = reverse("targets:detail", args=[self.t10.pk])

    def test_it_draws_2023_and_2024_on_one_chart(self):
        self.client.force_login(self.leader)
        traces = traces_of(self.client.get(self.page, {"month": 3}))
        self.assertEqual(
            list(traces), ["目标值", "应达进度", "实际值（已审核）", "2023年", "2022年", "预计全年"],
        )
        self.assertEqual((traces["实际值（已审核）"]["x"], traces["实际值（已审核）"]["y"]), ([1, 2, 3], [60, 150, 250]))
        # Each earlier year on the same months as this one: 2023 every month, 2022 only its quarters.
        self.assertEqual(traces["2023年"]["x"], list(range(1, 13)))
        self.assertEqual(traces["2023年"]["y"], [40, 100, 180, 280, 380, 480, 560, 640, 720, 800, 900, 1000])
        self.assertEqual((traces["2022年"]["x"], traces["2022年"]["y"]), ([3, 6, 9, 12], [180, 480, 840, 1200]))
        self.assertEqual(traces["2022年"]["hovertext"][3], "2022年12月：1,200亿元")

    def test_it_lists_the_years_and_how_each_is_matched(self):
        self.client.force_login(self.jxj_liaison)
        response = self.client.get(self.page, {"month": 3})
        self.assertContains(response, "往年同一指标")
        self.assertContains(response, f'<a href="{reverse("targets:detail", args=[self.t10_2023.pk])}?plan=2023">T10 技术合同成交额</a>')
        self.assertContains(response, '<td class="num">1,000亿元</td>')
        self.assertContains(response, '<td class="num">1,200亿元</td>')
        self.assertContains(response, "按编号匹配", count=2)
        self.assertNotContains(response, "保存对应指标")  # staff only

    def test_it_shows_only_years_before_the_one_viewed(self):
        self.client.force_login(self.leader)
        traces = traces_of(self.client.get(reverse("targets:detail", args=[self.t10_2023.pk]), {"plan": "2023", "month": 12}))
        self.assertIn("2022年", traces)
        self.assertNotIn("2024年", traces)
        self.assertNotIn("2023年", traces)
        earliest = self.client.get(reverse("targets:detail", args=[self.t10_2022.pk]), {"plan": "2022"})
        self.assertEqual(year_lines(earliest), [])

    def test_it_skips_a_year_without_the_code_and_draws_none_without_figures(self):
        # 2023's T10 renamed: 2024 finds T10 in 2022, the nearest earlier plan that has it.
        Target.objects.filter(pk=self.t10_2023.pk).update(code="T10-old")
        self.client.force_login(self.leader)
        traces = traces_of(self.client.get(self.page, {"month": 3}))
        self.assertEqual(traces["2022年"]["y"], [180, 480, 840, 1200])
        self.assertNotIn("2023年", traces)
        t08 = Target.objects.get(plan=self.plan_2024, code="T08")  # matched, but no earlier figure
        self.assertEqual(year_lines(self.client.get(reverse("targets:detail", args=[t08.pk]), {"month": 3})), [])


class CounterpartChoiceTest(ThreeYearsTestCase):
    """2024's T10 renumbered T10A: nothing matches by code until staff choose 2023's T10."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Target.objects.filter(pk=cls.t10.pk).update(code="T10A")
        cls.url = reverse("targets:counterpart", args=[cls.t10.pk])
        cls.page = reverse("targets:detail", args=[cls.t10.pk])

    def choose(self, counterpart, shown=""):
        return self.client.post(self.url, {"counterpart": counterpart, "shown": shown})

    def test_it_lets_staff_choose_the_previous_year_s_target_and_draws_it(self):
        self.client.force_login(self.staff)
        before = self.client.get(self.page, {"month": 3})
        self.assertNotIn("2023年", traces_of(before))
        self.assertContains(before, "2023年工作要点中没有编号相同的指标")
        self.assertContains(before, f'<option value="{self.t10_2023.pk}">T10 技术合同成交额</option>')
        self.assertContains(before, '<option value="" selected>按编号匹配（T10A）</option>')

        response = self.choose(self.t10_2023.pk)
        self.assertRedirects(response, self.page, fetch_redirect_response=False)
        self.t10.refresh_from_db()
        self.assertEqual(self.t10.counterpart_in_previous_plan, self.t10_2023)
        page = self.client.get(self.page, {"month": 3})
        traces = traces_of(page)
        # 2023 by the choice, 2022 by 2023's own code (T10).
        self.assertEqual(traces["2023年"]["y"], [40, 100, 180, 280, 380, 480, 560, 640, 720, 800, 900, 1000])
        self.assertEqual(traces["2022年"]["y"], [180, 480, 840, 1200])
        self.assertContains(page, "工作人员指定", count=1)
        self.assertContains(page, "按编号匹配</td>", count=1)
        self.assertContains(page, f'<option value="{self.t10_2023.pk}" selected>T10 技术合同成交额</option>')
        latest = self.t10.history.latest()
        self.assertEqual((latest.history_user, latest.history_change_reason), (self.staff, "上年对应指标：T10 技术合同成交额"))
        self.assertEqual(latest.counterpart_in_previous_plan_id, self.t10_2023.pk)

    def test_it_lets_staff_clear_the_choice(self):
        self.client.force_login(self.staff)
        self.choose(self.t10_2023.pk)
        response = self.choose("", shown=str(self.t10_2023.pk))
        self.assertRedirects(response, self.page, fetch_redirect_response=False)
        self.t10.refresh_from_db()
        self.assertIsNone(self.t10.counterpart_in_previous_plan)
        self.assertEqual(self.t10.history.latest().history_change_reason, "上年对应指标改为按编号匹配")
        self.assertNotIn("2023年", traces_of(self.client.get(self.page, {"month": 3})))

    def test_it_offers_only_the_previous_plan_s_targets(self):
        self.client.force_login(self.staff)
        response = self.choose(self.t10_2022.pk)  # 2022: not the plan before 2024
        self.assertContains(response, "请选择上一年度工作要点中的指标。", status_code=400)
        response = self.choose("不存在")
        self.assertContains(response, "请选择上一年度工作要点中的指标。", status_code=400)
        self.t10.refresh_from_db()
        self.assertIsNone(self.t10.counterpart_in_previous_plan)

    def test_it_never_overwrites_someone_else_s_choice(self):
        self.client.force_login(self.staff)
        self.choose(self.t10_2023.pk)
        other = Target.objects.get(plan=self.plan, code="T09")
        response = self.choose(other.pk, shown="")  # opened before the first choice
        self.assertContains(response, "上年对应指标已被他人修改，请刷新页面后再修改。", status_code=400)
        self.t10.refresh_from_db()
        self.assertEqual(self.t10.counterpart_in_previous_plan, self.t10_2023)

    def test_it_refuses_liaisons_and_leaders(self):
        for user in (self.jxj_liaison, self.hongshan_liaison, self.leader):
            self.client.force_login(user)
            self.assertEqual(self.choose(self.t10_2023.pk).status_code, 403)
            self.assertNotContains(self.client.get(self.page, {"month": 3}), "保存对应指标")
        self.t10.refresh_from_db()
        self.assertIsNone(self.t10.counterpart_in_previous_plan)

    def test_it_allows_only_post_and_signed_in_users(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get(self.url).status_code, 405)
        self.client.logout()
        response = self.choose(self.t10_2023.pk)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])

    def test_it_returns_404_for_an_unknown_target(self):
        self.client.force_login(self.staff)
        response = self.client.post(reverse("targets:counterpart", args=[99999]), {"counterpart": ""})
        self.assertEqual(response.status_code, 404)


class EarlierYearsQueryCountTest(PersonasTestCase):
    """2023's T10 with one earlier year (2022), then three (2022, 2021, 2020): the same queries."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.t10 = report_values(cls.plan, "T10", T10_2023, cls.staff)
        cls.drafts = [copy_year(cls.plan, year, cls.staff, publish=False) for year in (2022, 2021, 2020)]
        cls.page = reverse("targets:detail", args=[cls.t10.pk])

    def publish(self, plan):
        plan_authoring.publish_plan(plan, self.staff)
        report_values(plan, "T10", T10_2022, self.staff)

    def test_it_reads_the_earlier_years_in_the_same_queries_however_many(self):
        self.client.force_login(self.leader)  # the chart's lines and the table of counterparts
        self.client.get(self.page, {"month": 3})  # the session's first save out of the way
        with CaptureQueriesContext(connection) as alone:
            self.client.get(self.page, {"month": 3})
        self.publish(self.drafts[0])
        with self.assertNumQueries(len(alone)):
            response = self.client.get(self.page, {"month": 3})
        self.assertEqual(year_lines(response), ["2022年"])
        self.publish(self.drafts[1])
        self.publish(self.drafts[2])
        with self.assertNumQueries(len(alone)):
            response = self.client.get(self.page, {"month": 3})
        self.assertEqual(year_lines(response), ["2022年", "2021年", "2020年"])

    def test_staff_read_the_previous_plans_targets_once_to_choose_from(self):
        self.client.force_login(self.staff)  # and the choice of counterpart and the learned profile
        self.client.get(self.page, {"month": 3})
        with CaptureQueriesContext(connection) as alone:
            self.client.get(self.page, {"month": 3})
        self.publish(self.drafts[0])
        with self.assertNumQueries(len(alone) + 1):  # the choices: 2022's targets
            self.client.get(self.page, {"month": 3})
        self.publish(self.drafts[1])
        self.publish(self.drafts[2])
        with self.assertNumQueries(len(alone) + 1):
            response = self.client.get(self.page, {"month": 3})
        self.assertEqual(response.context["learned_profile"].years, (2020, 2021, 2022))

    def test_it_reads_one_query_without_an_earlier_plan_too(self):
        with self.assertNumQueries(1):  # the candidates with their December figures: none
            years = earlier_years(self.t10, self.staff, plans=[self.plan])
        self.assertEqual(years.years, [])
