"""Worked examples of the standing and forecast rules (targets/progress.py, targets/forecast.py),
every figure computed by hand in the comments.

Forecast along the path: b = Σ sₖ·pₖ ÷ Σ sₖ², year end = start + b (sₖ = k/12 without a profile).
"""

from decimal import Decimal as D

from django.test import SimpleTestCase, override_settings

from targets.forecast import Method, forecast_for, forecast_path
from targets.models import Target
from targets.progress import Status, standing_for, status_for


def target(**fields):
    defaults = {"code": "X", "name": "高新技术企业数", "value": D(13000), "unit_of_measure": "家",
                "comparison": Target.Comparison.AT_LEAST, "kind": Target.Kind.STOCK}
    defaults.update(fields)
    return Target(**defaults)


def contracts(**fields):
    return target(name="技术合同成交额", value=D(1450), unit_of_measure="亿元", kind=Target.Kind.CUMULATIVE, **fields)


def growth(**fields):
    return target(name="高新技术产业增加值增速", value=D("11.5"), unit_of_measure="%", kind=Target.Kind.RATE, **fields)


class StatusExamplesTest(SimpleTestCase):
    def test_it_judges_a_cumulative_flow_against_time_progress(self):
        # March: time progress 25%. 380/1450 = 26.2% → 正常; 300 = 20.7% (4.3 points short) → 滞后;
        # 50 = 3.4% (21.6 points short, more than 20) → 严重滞后; nothing approved → 未报送.
        self.assertEqual(status_for(contracts(), D(380), 3), Status.ON_TRACK)
        self.assertEqual(status_for(contracts(), D(300), 3), Status.BEHIND)
        self.assertEqual(status_for(contracts(), D(50), 3), Status.SERIOUSLY_BEHIND)
        self.assertEqual(status_for(contracts(), None, 3), Status.NOT_REPORTED)
        self.assertEqual(status_for(contracts(), D(1450), 9), Status.DONE)

    def test_it_calls_exactly_twenty_points_behind_only_behind(self):
        # March: 72.5 ÷ 1450 = 5%, time progress 25%: exactly 20 points short — not more than 20.
        self.assertEqual(status_for(contracts(), D("72.5"), 3), Status.BEHIND)
        self.assertEqual(status_for(contracts(), D("72.4"), 3), Status.SERIOUSLY_BEHIND)

    @override_settings(STATUS_SERIOUS_LAG_POINTS=30)
    def test_it_reads_the_serious_lag_threshold_from_settings(self):
        self.assertEqual(status_for(contracts(), D(50), 3), Status.BEHIND)

    def test_it_measures_a_stock_from_its_year_start_figure(self):
        firms = target(baseline=D(11000))
        # June: (12000 − 11000) ÷ (13000 − 11000) = 50% of the way, time progress 50% → 正常;
        # 11900: 45%, 5 points short → 滞后.
        self.assertEqual(status_for(firms, D(12000), 6), Status.ON_TRACK)
        self.assertEqual(status_for(firms, D(11900), 6), Status.BEHIND)

    def test_it_judges_a_stock_without_year_start_by_its_trend_only(self):
        firms = target(baseline=None)
        # One month: no trend to judge — 正常 (not “1,573 of 13,000 in January = 严重滞后”).
        self.assertEqual(status_for(firms, D(1573), 1), Status.ON_TRACK)
        # 12,000 → 12,600: 600 a month, 13,200 by December ≥ 13,000 → 正常.
        self.assertEqual(status_for(firms, D(12600), 11, {10: D(12000)}), Status.ON_TRACK)
        # Flat at 12,000: 12,000 by December = 92.3%, 7.7 points short → 滞后.
        self.assertEqual(status_for(firms, D(12000), 9, {7: D(12000), 8: D(12000)}), Status.BEHIND)
        # Flat at 10,000: 76.9%, 23.1 points short → 严重滞后.
        self.assertEqual(status_for(firms, D(10000), 10, {9: D(10000)}), Status.SERIOUSLY_BEHIND)

    def test_it_judges_a_rate_against_the_target_value_and_completes_it_only_in_december(self):
        self.assertEqual(status_for(growth(), D(12), 5), Status.ON_TRACK)
        self.assertEqual(status_for(growth(), D(12), 12), Status.DONE)
        self.assertEqual(status_for(growth(), D(10), 5), Status.BEHIND)  # 87.0% of 11.5: 13 points short
        self.assertEqual(status_for(growth(), D(9), 5), Status.SERIOUSLY_BEHIND)  # 78.3%: 21.7 points short

    def test_it_accepts_about_within_the_tolerance(self):
        share = target(value=D(11), unit_of_measure="%", kind=Target.Kind.RATE, comparison=Target.Comparison.ABOUT)
        self.assertEqual(status_for(share, D("10.5"), 12), Status.DONE)  # ≥ 11 × 95% = 10.45
        self.assertNotEqual(status_for(share, D("10.4"), 12), Status.DONE)


class OwnMonthTest(SimpleTestCase):
    def test_it_judges_an_october_value_viewed_in_november_at_october(self):
        # 1,250 ÷ 1,450 = 86.2%. At October (83.3%) → 正常; at November (91.7%) it would be 5.5
        # points short — but November has no figure yet, so October's judgement stands.
        standing = standing_for(contracts(), 11, {9: D(1100), 10: D(1250)})
        self.assertEqual(standing.status, Status.ON_TRACK)
        self.assertEqual(standing.value, D(1250))
        self.assertEqual(standing.value_month, 10)
        self.assertEqual(standing.expected_share, D("83.3"))
        self.assertEqual(standing.time_progress, D("83.3"))
        self.assertTrue(standing.is_stale)
        self.assertEqual(standing.missing_label, "本月未报送")
        # Once November is approved at 1,300 (89.7%, 2.0 points short of 91.7%) it is 滞后.
        november = standing_for(contracts(), 11, {9: D(1100), 10: D(1250), 11: D(1300)})
        self.assertEqual(november.status, Status.BEHIND)
        self.assertEqual(november.missing_label, "")

    def test_it_never_counts_a_later_month_at_an_earlier_view(self):
        standing = standing_for(contracts(), 9, {9: D(1100), 10: D(1250)})
        self.assertEqual((standing.value, standing.value_month), (D(1100), 9))

    def test_it_knows_the_due_months_of_each_frequency(self):
        self.assertEqual(target(frequency=Target.Frequency.QUARTERLY).due_months, (3, 6, 9, 12))
        self.assertEqual(target(frequency=Target.Frequency.HALF_YEARLY).due_months, (6, 12))
        self.assertEqual(target(frequency=Target.Frequency.YEARLY).due_months, (12,))
        self.assertEqual(target(frequency=Target.Frequency.MONTHLY).due_months, tuple(range(1, 13)))
        self.assertEqual(target(frequency=Target.Frequency.QUARTERLY).latest_due_month(5), 3)
        self.assertIsNone(target(frequency=Target.Frequency.YEARLY).latest_due_month(11))

    def test_it_never_calls_a_quarterly_target_unreported_in_a_month_it_is_not_due(self):
        quarterly = growth(frequency=Target.Frequency.QUARTERLY)
        self.assertEqual(standing_for(quarterly, 2, {}).status, Status.NOT_DUE)
        self.assertEqual(standing_for(quarterly, 4, {}).status, Status.NOT_REPORTED)  # March was due
        # November: the latest period due is September's; its 12.0% is judged there, nothing missing.
        standing = standing_for(quarterly, 11, {3: D(11), 6: D("11.8"), 9: D(12)})
        self.assertEqual((standing.value, standing.value_month, standing.due_month), (D(12), 9, 9))
        self.assertEqual(standing.status, Status.ON_TRACK)
        self.assertEqual(standing.missing_label, "")
        # July with only March approved: June was due and is missing.
        july = standing_for(quarterly, 7, {3: D(11)})
        self.assertEqual(july.missing_label, "本期未报送")

    def test_it_shows_the_plan_s_qualifiers(self):
        self.assertEqual(target(comparison_wording="突破").wording, "突破13,000家")
        self.assertEqual(growth(comparison_wording="以上").wording, "11.5%以上")
        leaders = target(value=D(100), unit_of_measure="名", comparison_wording="左右")
        self.assertEqual(leaders.wording, "100名左右")
        self.assertEqual(target(value=D(4), unit_of_measure="个", comparison_wording="—").wording, "4个")


class ForecastExamplesTest(SimpleTestCase):
    def test_it_carries_a_cumulative_flow_along_its_pace(self):
        # Σ s·v = (1·100 + 2·220 + 3·360)/12 = 135; Σ s² = 14/144; b = 135 × 144 / 14 = 1388.57.
        # Each month alone: 100 × 12 = 1,200; 220 × 6 = 1,320; 360 × 4 = 1,440 → range 1,200–1,440.
        # Still needed: (1450 − 360) ÷ 9 = 121.11 a month.
        forecast = forecast_for(contracts(), {1: D(100), 2: D(220), 3: D(360)})
        self.assertEqual(forecast.method, Method.PACE)
        self.assertEqual((forecast.value, forecast.low, forecast.high), (D("1388.57"), D("1200.00"), D("1440.00")))
        self.assertEqual(forecast.completion, D("95.8"))
        self.assertEqual(forecast.pace_needed, D("121.11"))
        self.assertTrue(forecast.likely_missed)
        self.assertEqual(
            forecast.statement(contracts()),
            "预计年底可达 1,388.57亿元（区间 1,200–1,440亿元，完成 95.8%），可能完不成目标；还需月均 121.11亿元",
        )

    def test_it_keeps_a_flat_stock_flat(self):
        # No year-start figure: the last three months are flat at 14,040, so December is 14,040 —
        # not the 17,219 a line through the whole rising year would give.
        incubated = target(name="在孵初创科技企业数", value=D(15000), baseline=None)
        values = {6: D(11000), 7: D(12000), 8: D(13000), 9: D(14040), 10: D(14040), 11: D(14040)}
        forecast = forecast_for(incubated, values)
        self.assertEqual(forecast.method, Method.RECENT_TREND)
        self.assertEqual((forecast.value, forecast.low, forecast.high), (D(14040), D(14040), D(14040)))
        self.assertEqual(forecast.pace_needed, D("960.00"))  # (15000 − 14040) ÷ 1
        self.assertIn("持平则保持不变", forecast.method_text(incubated))
        # No spread to show: the statement gives the figure alone.
        self.assertEqual(
            forecast.statement(incubated), "预计年底可达 14,040家（完成 93.6%），可能完不成目标；还需月均 960家"
        )

    def test_it_never_ends_a_stock_below_its_latest_value(self):
        # Falling 100 a month: the trend reads 13,700 in December; the forecast stays at 13,800.
        incubated = target(value=D(15000), baseline=None)
        forecast = forecast_for(incubated, {9: D(14000), 10: D(13900), 11: D(13800)})
        self.assertEqual(forecast.value, D(13800))

    def test_it_grows_a_stock_from_its_year_start_figure(self):
        # p = 400, 900; s = .25, .5: Σ s·p = 550; Σ s² = .3125; b = 1,760 → 12,760 (98.2%).
        # Alone: 11000 + 400/.25 = 12,600; 11000 + 900/.5 = 12,800. Needed: (13000 − 11900) ÷ 6 = 183.33.
        firms = target(baseline=D(11000))
        forecast = forecast_for(firms, {3: D(11400), 6: D(11900)})
        self.assertEqual(forecast.method, Method.YEAR_START_PATH)
        self.assertEqual((forecast.value, forecast.low, forecast.high), (D(12760), D(12600), D(12800)))
        self.assertEqual(forecast.completion, D("98.2"))
        self.assertEqual(forecast.pace_needed, D("183.33"))

    def test_it_stops_a_milestone_at_the_target_once_reached(self):
        facilities = target(name="推进建设重大科技基础设施", value=D(4), unit_of_measure="个",
                            kind=Target.Kind.MILESTONE, comparison=Target.Comparison.REACH)
        reached = forecast_for(facilities, {3: D(1), 6: D(2), 9: D(4), 10: D(4)})
        self.assertEqual((reached.method, reached.value, reached.high), (Method.REACHED, D(4), D(4)))
        self.assertIsNone(reached.pace_needed)
        # Two in two months fits 12 a year; the plan names four, so the forecast is 4.
        early = forecast_for(facilities, {1: D(1), 2: D(2)})
        self.assertEqual((early.value, early.low, early.high), (D(4), D(4), D(4)))
        self.assertEqual(early.pace_needed, D("0.20"))

    def test_it_never_extrapolates_a_single_month(self):
        one_off = target(name="引进培育重大科技基础设施", value=D(1), unit_of_measure="个",
                         kind=Target.Kind.MILESTONE, comparison=Target.Comparison.REACH)
        self.assertIsNone(forecast_for(one_off, {1: D(1)}))  # not 12
        self.assertEqual(forecast_for(one_off, {1: D(1), 2: D(1)}).value, D(1))

    def test_it_forecasts_a_count_in_whole_things(self):
        # Σ s·v = (4 + 2·9)/12 = 22/12; Σ s² = 5/144; b = 52.8 → 53 场. Alone: 48 and 54.
        events = target(name="科技成果转化对接活动", value=D(60), unit_of_measure="场", kind=Target.Kind.CUMULATIVE)
        forecast = forecast_for(events, {1: D(4), 2: D(9)})
        self.assertEqual((forecast.value, forecast.low, forecast.high), (D(53), D(48), D(54)))
        self.assertEqual(forecast.pace_needed, D("5.10"))  # (60 − 9) ÷ 10

    def test_it_compares_a_rate_in_percentage_points(self):
        above = forecast_for(growth(), {3: D(11), 6: D("12.1")})
        self.assertEqual((above.value, above.points, above.completion), (D("12.1"), D("0.6"), None))
        self.assertEqual(above.statement(growth()), "按最新值预计全年 12.1%，高于目标0.6个百分点（各月区间 11%–12.1%）")
        below = forecast_for(growth(), {3: D(12), 6: D("10.1")})
        self.assertEqual(below.points, D("-1.4"))
        self.assertIn("低于目标1.4个百分点", below.statement(growth()))
        self.assertIn("可能完不成目标", below.statement(growth()))
        self.assertNotIn("完成", below.statement(growth()).replace("可能完不成目标", ""))

    def test_it_follows_a_seasonal_profile(self):
        profile = [2, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
        projects = target(value=D(100), unit_of_measure="个", kind=Target.Kind.CUMULATIVE, monthly_profile=profile)
        standing = standing_for(projects, 3, {1: D(2), 2: D(5), 3: D(10)})
        # On the profile exactly: 10 of 100 by March, when the profile expects 10% → 正常, 100 by December.
        self.assertEqual(standing.status, Status.ON_TRACK)
        self.assertEqual(standing.forecast.value, D(100))
        path = forecast_path(standing)  # follows the profile: 20 in April, 50 in July
        self.assertEqual((path[4], path[7]), (D("20.00"), D("50.00")))

    def test_it_draws_a_linear_projection_from_the_latest_value(self):
        standing = standing_for(contracts(), 3, {1: D(100), 2: D(220), 3: D(360)})
        path = forecast_path(standing)
        self.assertEqual((path[3], path[12]), (D("360.00"), D("1388.57")))
        self.assertEqual(path[4], D("474.29"))  # (1388.57 − 360) ÷ 9 = 114.29 a month

    def test_it_has_no_forecast_before_the_second_month(self):
        self.assertIsNone(forecast_for(growth(), {3: D(12)}))
        self.assertIsNone(forecast_for(target(), {}))
        self.assertEqual(forecast_path(standing_for(target(), 3, {})), {})
