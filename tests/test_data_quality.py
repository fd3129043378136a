"""Suspect figures (targets/data_quality.py): each rule on the 2023 plan's own targets, numbers by hand."""

from decimal import Decimal as D

from django.test import TestCase

from targets.data_quality import suspect_reasons
from targets.models import Target


class SuspectFigureTests(TestCase):
    fixtures = ["plan_2023"]

    def target(self, code):
        return Target.objects.get(plan__code="2023", code=code)

    def codes(self, code, value, month, earlier):
        return [reason.code for reason in suspect_reasons(self.target(code), D(value), month, earlier)]

    def test_a_cumulative_figure_below_last_month_is_suspect(self):
        # T10 技术合同成交额 (年度累计): 520.5 in May, 480 in June — a year's total cannot fall.
        [reason] = suspect_reasons(self.target("T10"), D("480"), 6, {4: D("400"), 5: D("520.5")})
        self.assertEqual(reason.code, "cumulative_fell")
        self.assertEqual(reason.message, "累计值低于5月的 520.5：全年累计不会减少。")
        self.assertEqual(self.codes("T10", "520.5", 6, {5: D("520.5")}), [])  # unchanged is fine

    def test_a_share_outside_0_to_100_and_a_growth_below_minus_100_are_suspect(self):
        # T12 数字经济核心产业增加值占比, T11 高新技术产业增加值增速
        self.assertEqual(self.codes("T12", "120", 3, {}), ["share_range"])
        self.assertEqual(self.codes("T12", "-1", 3, {}), ["share_range"])
        self.assertEqual(self.codes("T12", "100", 3, {}), [])
        self.assertEqual(self.codes("T11", "-101", 3, {}), ["rate_range"])
        self.assertEqual(self.codes("T11", "-12.5", 3, {}), [])  # a fall, but a possible one
        message = suspect_reasons(self.target("T12"), D("120"), 3, {})[0].message
        self.assertEqual(message, "占比应在 0 至 100% 之间，本月填报 120%。")

    def test_a_stock_falling_away_from_its_target_is_suspect(self):
        # T08 高新技术企业数 (年末存量, target 13,000): 11,300 in June, 11,000 in July.
        self.assertEqual(self.codes("T08", "11000", 7, {6: D("11300")}), ["stock_fell"])
        self.assertEqual(self.codes("T08", "11400", 7, {6: D("11300")}), [])

    def test_a_change_far_beyond_the_units_own_history_is_suspect(self):
        # T10 by month: 100, 210, 300, 410 → changes 110, 90, 110; median 110; deviations 0, 20, 0 →
        # their median (MAD) is 0: no spread, so "more than three times the usual change" decides:
        # May +1,090 (to 1,500): |1,090 − 110| = 980 > 3 × 110 = 330 → suspect;
        # May +400 (to 810): |400 − 110| = 290 ≤ 330 → not.
        earlier = {1: D("100"), 2: D("210"), 3: D("300"), 4: D("410")}
        self.assertEqual(self.codes("T10", "1500", 5, earlier), ["outlier"])
        self.assertEqual(self.codes("T10", "810", 5, earlier), [])
        # With spread: changes 100, 80, 120, 90 → median 95, deviations 5, 15, 25, 5 → MAD 10.
        # +200: z = 0.6745 × |200 − 95| ÷ 10 = 7.08 > 3.5 → suspect; +120: 0.6745 × 25 ÷ 10 = 1.69 → not.
        earlier = {1: D("100"), 2: D("200"), 3: D("280"), 4: D("400"), 5: D("490")}
        self.assertEqual(self.codes("T10", "690", 6, earlier), ["outlier"])
        self.assertEqual(self.codes("T10", "610", 6, earlier), [])
        [reason] = suspect_reasons(self.target("T10"), D("690"), 6, earlier)
        self.assertEqual(reason.message, "较上月变化 200，远超本单位此前各月的变化（通常约 95）。")

    def test_too_short_a_history_says_nothing_about_a_change(self):
        # Two earlier changes only: no judgement of the third, however large.
        self.assertEqual(self.codes("T10", "5000", 4, {1: D("100"), 2: D("200"), 3: D("300")}), [])

    def test_a_rate_is_judged_by_its_range_only_not_by_its_jumps(self):
        # T16 科技贷款余额增幅: 10.4, 10.5, 10.5, 10.6 then 12.5 — a jump, but a rate moves so.
        earlier = {1: D("10.4"), 2: D("10.5"), 3: D("10.5"), 4: D("10.6")}
        self.assertEqual(self.codes("T16", "12.5", 5, earlier), [])
