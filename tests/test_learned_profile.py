"""Profiles learned from the past: the rule (targets/learned_profile.py), and staff adopting it on a
target's page (POST /targets/<id>/profile/adopt/, …/revert/), which moves the expected path, the
status and the forecast on the page and in the quarterly workbook."""

import json
from decimal import Decimal as D
from io import BytesIO
from types import SimpleNamespace

from django.contrib import admin
from django.test import RequestFactory, SimpleTestCase
from django.urls import reverse
from openpyxl import load_workbook

from reports.workbook.build import build_quarterly_workbook
from targets.learned_profile import learned_profile, profile_text, years_label
from targets.models import Target, TargetStanding
from tests.years_support import ThreeYearsTestCase

CUMULATIVE, STOCK, RATE = Target.Kind.CUMULATIVE, Target.Kind.STOCK, Target.Kind.RATE
# 2022 and 2023 of tests/years_support.py, averaged month by month (see the first rule test).
LEARNED = [D("4.5"), D(10), D("16.5"), D("25.7"), D("34.8"), D(44), D(53), D(62), D(71), D(80), D(90), D(100)]


def year(number, values, kind=CUMULATIVE, start=None):
    return SimpleNamespace(year=number, kind=kind, monthly_values={m: D(v) for m, v in values.items()}, year_start=start)


def target(kind=CUMULATIVE):
    return SimpleNamespace(kind=kind)


class LearnedProfileRuleTest(SimpleTestCase):
    def test_it_averages_two_years_one_with_a_gap(self):
        # 2023 every month: 40 … 1,000 → 4, 10, 18, 28, 38, 48, 56, 64, 72, 80, 90, 100 %.
        # 2022 only quarterly, 180, 480, 840, 1,200 → 15, 40, 70, 100 % at 3, 6, 9, 12, the months between
        # on the straight line: 5, 10, 15, 23.33, 31.67, 40, 50, 60, 70, 80, 90, 100.
        # Averages: 4.5, 10, 16.5, 25.67 → 25.7, 34.83 → 34.8, 44, 53, 62, 71, 80, 90, 100.
        profile = learned_profile(target(), [
            year(2023, {1: 40, 2: 100, 3: 180, 4: 280, 5: 380, 6: 480, 7: 560, 8: 640, 9: 720, 10: 800,
                        11: 900, 12: 1000}),
            year(2022, {3: 180, 6: 480, 9: 840, 12: 1200}),
        ])
        self.assertEqual(list(profile.percentages), LEARNED)
        self.assertEqual(profile.years, (2022, 2023))
        self.assertEqual(profile.source_text, "依据2022–2023年月度数据")
        self.assertEqual(profile.as_stored(), [4.5, 10, 16.5, 25.7, 34.8, 44, 53, 62, 71, 80, 90, 100])

    def test_it_measures_a_stock_from_its_start_and_skips_a_year_without_one(self):
        # 2023 starts at 2022's December 1,000 (given as its start): 1,100 in June is 25% of the way to
        # 1,400; the months between on the line: 4.17, 8.33, 12.5, 16.67, 20.83, 25, 37.5 … 87.5, 100.
        # 2022 has no start (no year-start figure, no 2021): it does not count.
        profile = learned_profile(target(STOCK), [
            year(2023, {6: 1100, 12: 1400}, STOCK, start=D(1000)),
            year(2022, {6: 900, 12: 1000}, STOCK, start=None),
        ])
        self.assertEqual(
            list(profile.percentages),
            [D("4.2"), D("8.3"), D("12.5"), D("16.7"), D("20.8"), D(25), D("37.5"), D(50), D("62.5"), D(75),
             D("87.5"), D(100)],
        )
        self.assertEqual(profile.years, (2023,))
        self.assertEqual(profile.source_text, "依据2023年月度数据")

    def test_it_never_lets_a_month_fall_below_the_one_before(self):
        # 30, 20 (a correction), then 20 → 100 on the line (28, 36 …): held at 30 until it passes it.
        profile = learned_profile(target(), [year(2023, {1: 30, 2: 20, 12: 100})])
        self.assertEqual(list(profile.percentages), [D(n) for n in (30, 30, 30, 36, 44, 52, 60, 68, 76, 84, 92, 100)])

    def test_it_holds_a_month_above_december_at_100(self):
        profile = learned_profile(target(), [year(2023, {6: 120, 12: 100})])
        self.assertEqual(list(profile.percentages)[5:], [D(100)] * 7)
        self.assertEqual(profile.percentages[0], D("16.7"))  # 100 ÷ 6

    def test_it_counts_only_years_with_december_and_a_month_before_it(self):
        no_december = year(2023, {1: 10, 11: 90})
        december_only = year(2022, {12: 100})
        self.assertIsNone(learned_profile(target(), [no_december, december_only]))
        shrinking_stock = year(2021, {6: 900, 12: 800}, STOCK, start=D(1000))
        self.assertIsNone(learned_profile(target(STOCK), [shrinking_stock]))
        self.assertIsNone(learned_profile(target(), []))

    def test_it_learns_nothing_for_a_rate(self):
        self.assertIsNone(learned_profile(target(RATE), [year(2023, {6: 5, 12: 11})]))
        self.assertIsNone(learned_profile(target(), [year(2023, {6: 5, 12: 11}, RATE)]))

    def test_it_stores_whole_percentages_as_whole_numbers(self):
        profile = learned_profile(target(), [year(2023, {6: 45, 12: 100})])
        # What the admin and the API show of Target.monthly_profile: 45, not 45.0; 7.5 stays 7.5.
        self.assertEqual(json.dumps(profile.as_stored()), "[7.5, 15, 22.5, 30, 37.5, 45, 54.2, 63.3, 72.5, 81.7, 90.8, 100]")

    def test_it_counts_a_stock_that_grew_by_one_and_not_one_that_stood_still(self):
        # 10 → 11: June's 10.5 is 50 % of the way; a stock ending where it started teaches nothing.
        grew = learned_profile(target(STOCK), [year(2023, {6: D("10.5"), 12: 11}, STOCK, start=D(10))])
        self.assertEqual(grew.percentages[5], D(50))
        self.assertIsNone(learned_profile(target(STOCK), [year(2023, {6: 12, 12: 10}, STOCK, start=D(10))]))

    def test_a_month_below_the_start_counts_as_nothing_done_yet(self):
        # 2023 starts at 1,000, dips to 950 in March (0 %, not negative), reaches 1,100 in June (50 %).
        profile = learned_profile(target(STOCK), [year(2023, {3: 950, 6: 1100, 12: 1200}, STOCK, start=D(1000))])
        self.assertEqual(list(profile.percentages)[:6], [D(0), D(0), D(0), D("16.7"), D("33.3"), D(50)])

    def test_it_rounds_an_average_half_up(self):
        # March: 12.2 % and 12.3 % average 12.25 → 12.3 (half up, as every figure here), not 12.2.
        profile = learned_profile(target(), [year(2023, {3: 122, 12: 1000}), year(2022, {3: 123, 12: 1000})])
        self.assertEqual(profile.percentages[2], D("12.3"))

    def test_it_names_the_years(self):
        self.assertEqual(years_label([2022, 2021]), "2021–2022年")
        self.assertEqual(years_label([2020, 2021, 2022]), "2020–2022年")
        self.assertEqual(years_label([2020, 2022]), "2020、2022年")
        self.assertEqual(years_label([2022]), "2022年")
        self.assertEqual(years_label([]), "")


class AdoptLearnedProfileTest(ThreeYearsTestCase):
    def setUp(self):
        self.page = reverse("targets:detail", args=[self.t10.pk])
        self.adopt_url = reverse("targets:adopt_profile", args=[self.t10.pk])
        self.revert_url = reverse("targets:revert_profile", args=[self.t10.pk])

    def adopt(self, **data):
        return self.client.post(self.adopt_url, {
            "adopt-reason": "合同登记集中在下半年", "adopt-current": "", "adopt-learned": profile_text(LEARNED), **data,
        })

    def march(self):
        return TargetStanding.objects.get(target=self.t10, month=3)

    def workbook_row(self):
        """{header: cell} of T10 on 2024 Q1's sheet 指标完成情况."""
        ws = load_workbook(BytesIO(build_quarterly_workbook(self.plan_2024, 1)))["指标完成情况"]
        rows = [[c.value for c in row] for row in ws.iter_rows()]
        header_index = next(i for i, row in enumerate(rows) if row[0] == "编号")
        row = next(r for r in rows if r[0] == "T10")
        return dict(zip(rows[header_index], row, strict=True))

    def test_it_shows_staff_the_learned_shape_beside_the_current_path(self):
        self.client.force_login(self.staff)
        response = self.client.get(self.page, {"month": 3})
        self.assertContains(response, "依据2022–2023年月度数据")
        self.assertContains(response, "采用此月度曲线")
        self.assertContains(response, '<td class="num">16.5%</td>')
        self.assertNotContains(response, "恢复按时间均匀推进")  # it advances evenly: nothing to revert
        self.assertEqual(response.context["learned_profile"].years, (2022, 2023))
        self.assertContains(response, 'data-figure="fig-learned-profile"')

    def test_it_draws_the_learned_shape_beside_the_even_pace(self):
        self.client.force_login(self.staff)
        figure = self.client.get(self.page, {"month": 3}).context["profile_figure"]
        traces = {trace["name"]: trace for trace in figure["data"]}
        self.assertEqual(set(traces), {"往年平均月度曲线（2022–2023年）", "当前应达进度（时间均匀推进）"})
        learned = traces["往年平均月度曲线（2022–2023年）"]
        self.assertEqual(learned["x"], list(range(13)))  # the start of the year, then the twelve months
        self.assertEqual(learned["y"], [0, 4.5, 10, 16.5, 25.7, 34.8, 44, 53, 62, 71, 80, 90, 100])
        self.assertEqual(learned["hovertext"][3], "3月：16.5%")
        even = traces["当前应达进度（时间均匀推进）"]["y"]
        self.assertEqual([round(v, 2) for v in even[:4]], [0, 8.33, 16.67, 25])

    def test_it_hides_the_block_from_liaisons_and_leaders(self):
        for user in (self.jxj_liaison, self.leader):
            self.client.force_login(user)
            response = self.client.get(self.page, {"month": 3})
            self.assertNotContains(response, "采用此月度曲线")
            self.assertNotIn("learned_profile", response.context)

    def test_it_shows_no_block_without_earlier_monthly_data(self):
        self.client.force_login(self.staff)
        t08 = Target.objects.get(plan=self.plan_2024, code="T08")  # 2023's T08 has no figure here
        growth = Target.objects.get(plan=self.plan_2024, code="T11")  # a rate: no profile at all
        for quiet in (t08, growth):
            response = self.client.get(reverse("targets:detail", args=[quiet.pk]), {"month": 3})
            self.assertNotContains(response, "按往年数据的月度进度曲线")
            self.assertNotContains(response, "采用此月度曲线")
            self.assertNotContains(response, 'class="profile-note"')  # it advances evenly: no note either

    def test_it_moves_the_expected_path_on_the_page_and_in_the_workbook(self):
        # Even pace at March: 25% of 1,450 = 362.5亿元; 250 is 17.24% of the way, 7.76 points behind → 滞后.
        # Forecast along the even path: Σ s·v = (60 + 300 + 750) ÷ 12 = 92.5, Σ s² = 14 ÷ 144 → 951.43.
        self.client.force_login(self.staff)
        before = self.client.get(self.page, {"month": 3})
        self.assertContains(before, "362.5亿元")
        self.assertNotContains(before, "预期进度按")
        self.assertEqual(self.march().status, "behind")
        row = self.workbook_row()
        self.assertEqual((row["3月"], row["时间进度"], row["状态"], row["预计全年"]), (250, 25, "滞后", 951.43))

        response = self.adopt()
        self.assertRedirects(response, self.page, fetch_redirect_response=False)
        self.t10.refresh_from_db()
        self.assertEqual(self.t10.monthly_profile, [4.5, 10, 16.5, 25.7, 34.8, 44, 53, 62, 71, 80, 90, 100])
        self.assertEqual(self.t10.monthly_profile_source, "依据2022–2023年月度数据")
        self.assertEqual(self.t10.monthly_profile_years, [2022, 2023])

        # With it, March expects 16.5% of 1,450 = 239.25亿元; 17.24% ≥ 16.5% → 正常.
        # Forecast: Σ s·v = 0.045·60 + 0.10·150 + 0.165·250 = 58.95, Σ s² = 0.03925 → 1,501.91.
        self.assertEqual((self.march().expected_share, self.march().status), (D("16.5"), "on_track"))
        after = self.client.get(self.page, {"month": 3})
        self.assertContains(after, "239.25亿元")  # 应达进度值 of March in the monthly table
        self.assertNotContains(after, "362.5亿元")
        self.assertContains(after, "16.5%（按月度进度曲线；均匀进度 25.0%）")
        self.assertContains(after, '<dd class="profile-note">预期进度按2022–2023年月度曲线</dd>')
        self.assertContains(after, '<span class="status status-on_track">正常</span>')
        self.assertContains(after, "预计年底可达 1,501.91亿元")
        self.assertContains(after, "恢复按时间均匀推进")
        expected_trace = next(t for t in after.context["figure"]["data"] if t["name"] == "应达进度")
        self.assertEqual(expected_trace["y"][3], 239.25)
        row = self.workbook_row()
        # The workbook's 时间进度 is the target's own expected share, as on the page: 16.5, not 25.
        self.assertEqual((row["时间进度"], row["状态"], row["预计全年"]), (16.5, "正常", 1501.91))

        latest = self.t10.history.latest()
        self.assertEqual(
            (latest.history_user, latest.history_change_reason, latest.monthly_profile_source),
            (self.staff, "合同登记集中在下半年", "依据2022–2023年月度数据"),
        )
        self.assertEqual(latest.prev_record.monthly_profile, None)

    def test_it_returns_to_even_pace_by_a_post(self):
        self.client.force_login(self.staff)
        self.adopt()
        response = self.client.post(self.revert_url, {
            "revert-reason": "恢复均匀进度", "revert-current": profile_text(LEARNED),
        })
        self.assertRedirects(response, self.page, fetch_redirect_response=False)
        self.t10.refresh_from_db()
        self.assertEqual((self.t10.monthly_profile, self.t10.monthly_profile_source), (None, ""))
        self.assertEqual((self.march().expected_share, self.march().status), (D("25.0"), "behind"))
        page = self.client.get(self.page, {"month": 3})
        self.assertContains(page, "362.5亿元")
        self.assertNotContains(page, "预期进度按")
        self.assertEqual(self.t10.history.latest().history_change_reason, "恢复均匀进度")

    def test_it_requires_a_reason_and_saves_nothing_without_one(self):
        self.client.force_login(self.staff)
        response = self.adopt(**{"adopt-reason": "  "})
        self.assertContains(response, "请说明调整月度曲线的理由。", status_code=400)
        self.t10.refresh_from_db()
        self.assertIsNone(self.t10.monthly_profile)
        self.assertEqual(self.march().status, "behind")

    def test_it_refuses_a_shape_other_than_the_one_learned_now(self):
        self.client.force_login(self.staff)
        response = self.adopt(**{"adopt-learned": "50,100,100,100,100,100,100,100,100,100,100,100"})
        self.assertContains(response, "往年数据已有变化，请刷新页面查看新的月度曲线后再采用。", status_code=400)
        self.t10.refresh_from_db()
        self.assertIsNone(self.t10.monthly_profile)

    def test_it_never_overwrites_someone_else_s_change(self):
        self.client.force_login(self.staff)
        self.adopt()
        response = self.adopt()  # opened before the first adoption: it still shows even pace
        self.assertContains(response, "月度曲线已被他人修改，请刷新页面后再操作。", status_code=400)
        response = self.client.post(self.revert_url, {"revert-reason": "x", "revert-current": ""})
        self.assertContains(response, "月度曲线已被他人修改，请刷新页面后再操作。", status_code=400)
        self.t10.refresh_from_db()
        self.assertEqual(self.t10.monthly_profile_years, [2022, 2023])

    def test_it_refuses_to_revert_a_target_that_advances_evenly(self):
        self.client.force_login(self.staff)
        response = self.client.post(self.revert_url, {"revert-reason": "x", "revert-current": ""})
        self.assertContains(response, "该指标的预期进度已按时间均匀推进。", status_code=400)

    def test_it_refuses_a_target_without_earlier_data(self):
        t08 = Target.objects.get(plan=self.plan_2024, code="T08")
        self.client.force_login(self.staff)
        response = self.client.post(reverse("targets:adopt_profile", args=[t08.pk]), {
            "adopt-reason": "x", "adopt-current": "", "adopt-learned": "",
        })
        self.assertContains(response, "该指标没有可用于学习月度曲线的往年月度数据。", status_code=400)

    def test_it_refuses_liaisons_and_leaders(self):
        for user in (self.jxj_liaison, self.hongshan_liaison, self.leader):
            self.client.force_login(user)
            self.assertEqual(self.adopt().status_code, 403)
            self.assertEqual(self.client.post(self.revert_url, {"revert-reason": "x"}).status_code, 403)
        self.t10.refresh_from_db()
        self.assertIsNone(self.t10.monthly_profile)

    def test_it_allows_only_post_and_signed_in_users(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get(self.adopt_url).status_code, 405)
        self.assertEqual(self.client.get(self.revert_url).status_code, 405)
        self.client.logout()
        for response in (self.adopt(), self.client.post(self.revert_url)):
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("login"), response["Location"])


class ProfileEditedInAdminTest(ThreeYearsTestCase):
    """A profile typed in the Django admin is not a learned one: the page stops naming earlier years."""

    def admin_post(self, user, **changes):
        request = RequestFactory().get("/")
        request.user = user
        form = admin.site._registry[Target].get_form(request, self.t10)(instance=self.t10)
        data = {}
        for name, bound in form.fields.items():
            value = form[name].value()
            if name in changes:
                value = changes[name]
            if isinstance(value, (list, tuple)) and name == "tasks":
                data[name] = [str(v) for v in value]
            else:
                value = bound.prepare_value(value)
                data[name] = "" if value is None else value
        return self.client.post(reverse("admin:targets_target_change", args=[self.t10.pk]), data)

    def test_it_forgets_where_a_profile_came_from_when_staff_type_another(self):
        self.client.force_login(self.staff)
        self.client.post(reverse("targets:adopt_profile", args=[self.t10.pk]), {
            "adopt-reason": "合同登记集中在下半年", "adopt-current": "", "adopt-learned": profile_text(LEARNED),
        })
        self.t10.refresh_from_db()
        self.assertEqual(self.t10.monthly_profile_years, [2022, 2023])
        admin_user = type(self.staff).objects.create_superuser("root", "root@example.gov.cn", "x-Secret-2026")
        self.client.force_login(admin_user)
        typed = [5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100]
        response = self.admin_post(admin_user, monthly_profile=typed)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.t10.refresh_from_db()
        self.assertEqual((self.t10.monthly_profile, self.t10.monthly_profile_source), (typed, ""))
        self.client.force_login(self.staff)
        page = self.client.get(reverse("targets:detail", args=[self.t10.pk]), {"month": 3})
        self.assertNotContains(page, "预期进度按2022–2023年月度曲线")
        self.assertContains(page, '<dd class="profile-note">预期进度按月度进度曲线</dd>')
        self.assertContains(page, "20.0%（按月度进度曲线；均匀进度 25.0%）")  # March: the typed 20 %
