"""Worked examples of the standing and forecast rules (targets/progress.py, targets/forecast.py),
every figure computed by hand in the comments.

Forecast along the path: b = Σ sₖ·pₖ ÷ Σ sₖ², year end = start + b (sₖ = k/12 without a profile).
"""

from dataclasses import replace
from decimal import Decimal as D

from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from targets.expected_path import expected_value_for
from targets.forecast import Method, forecast_for, forecast_path
from targets.models import Target, TargetValue
from targets.progress import STATUS_ORDER, Status, count_by_status, standing_for, status_for
from targets.standing_store import refresh_plan
from tests import dashboard_seed
from tests.personas import PersonasTestCase
from tests.test_chart_values import table_rows


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
        # 73.95 ÷ 1450 = 5.1%: 19.9 points short → 滞后; 71.05 ÷ 1450 = 4.9%: 20.1 short → 严重滞后.
        self.assertEqual(status_for(contracts(), D("73.95"), 3), Status.BEHIND)
        self.assertEqual(status_for(contracts(), D("71.05"), 3), Status.SERIOUSLY_BEHIND)
        # June, 50%: 435 ÷ 1450 = 30% is 20.0 short → 滞后; 433.55 = 29.9% (20.1) → 严重滞后;
        # 436.45 = 30.1% (19.9) → 滞后.
        self.assertEqual(status_for(contracts(), D(435), 6), Status.BEHIND)
        self.assertEqual(status_for(contracts(), D("433.55"), 6), Status.SERIOUSLY_BEHIND)
        self.assertEqual(status_for(contracts(), D("436.45"), 6), Status.BEHIND)

    def test_it_calls_a_figure_exactly_on_time_progress_on_track(self):
        # March: 362.5 ÷ 1450 = 25.0% = time progress: 0 points short → 正常; 362.4 is 0.007 short → 滞后.
        self.assertEqual(status_for(contracts(), D("362.5"), 3), Status.ON_TRACK)
        self.assertEqual(status_for(contracts(), D("362.4"), 3), Status.BEHIND)
        # 1449.99 in December is 0.0007 points short of 100% → 滞后, 1450 → 已完成.
        self.assertEqual(status_for(contracts(), D("1449.99"), 12), Status.BEHIND)
        self.assertEqual(status_for(contracts(), D(1450), 12), Status.DONE)

    def test_it_calls_a_rate_exactly_twenty_points_short_only_behind(self):
        # 9.2 ÷ 11.5 = 80.0% of the target: 20.0 short → 滞后; 9.1885 = 79.9% (20.1) → 严重滞后;
        # 9.2115 = 80.1% (19.9) → 滞后.
        self.assertEqual(status_for(growth(), D("9.2"), 6), Status.BEHIND)
        self.assertEqual(status_for(growth(), D("9.1885"), 6), Status.SERIOUSLY_BEHIND)
        self.assertEqual(status_for(growth(), D("9.2115"), 6), Status.BEHIND)

    def test_it_calls_a_flat_stock_exactly_twenty_percent_short_only_behind(self):
        # No year-start figure, flat for two months: December = the latest value. Of 13,000:
        # 10,400 = 80.0% (20.0 short) → 滞后; 10,387 = 79.9% (20.1) → 严重滞后; 10,413 = 80.1% (19.9) → 滞后.
        firms = target(baseline=None)
        self.assertEqual(status_for(firms, D(10400), 6, {5: D(10400)}), Status.BEHIND)
        self.assertEqual(status_for(firms, D(10387), 6, {5: D(10387)}), Status.SERIOUSLY_BEHIND)
        self.assertEqual(status_for(firms, D(10413), 6, {5: D(10413)}), Status.BEHIND)

    @override_settings(STATUS_SERIOUS_LAG_POINTS=30)
    def test_it_reads_the_serious_lag_threshold_from_settings(self):
        self.assertEqual(status_for(contracts(), D(50), 3), Status.BEHIND)
        # At 30 points, June (50%): 290 ÷ 1450 = 20.0%, exactly 30 short → 滞后; 288.55 = 19.9% (30.1) → 严重滞后.
        self.assertEqual(status_for(contracts(), D(290), 6), Status.BEHIND)
        self.assertEqual(status_for(contracts(), D("288.55"), 6), Status.SERIOUSLY_BEHIND)

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

    def test_it_judges_a_stock_without_year_start_by_its_trend_not_its_slowest_month(self):
        firms = target(baseline=None)
        # 12,000, 12,100, 12,500 in July–September: the line through them rises 250 a month →
        # 12,500 + 3 × 250 = 13,250 by December ≥ 13,000 → 正常 (the slowest step, +100, would
        # give 12,800 and 滞后).
        self.assertEqual(status_for(firms, D(12500), 9, {7: D(12000), 8: D(12100)}), Status.ON_TRACK)
        # 9,000, 9,000, 10,000 in June–August: +500 a month → 10,000 + 4 × 500 = 12,000 = 92.3%,
        # 7.7 short → 滞后 (the flat step would give 10,000 = 76.9%, 23.1 short, 严重滞后).
        self.assertEqual(status_for(firms, D(10000), 8, {6: D(9000), 7: D(9000)}), Status.BEHIND)

    def test_it_accepts_about_for_a_stock_judged_by_its_trend(self):
        # 13,000左右 without a year-start figure: 12,000 in May, 12,100 in June (93.1%, not yet within
        # 5%); +100 a month → 12,700 by December = 97.7% ≥ 95% → 正常, not "2.3 points short".
        about = target(baseline=None, comparison=Target.Comparison.ABOUT)
        self.assertEqual(status_for(about, D(12100), 6, {5: D(12000)}), Status.ON_TRACK)
        # Flat at 12,000: 92.3% by December, under 95% → 滞后 (7.7 short).
        self.assertEqual(status_for(about, D(12000), 6, {5: D(12000)}), Status.BEHIND)
        # 11,900, 11,900, 12,100 in April–June: the line rises 100 a month → 12,700 (97.7%) → 正常;
        # judged by its slowest step (flat) it would be 12,100 = 93.1% and 滞后.
        self.assertEqual(status_for(about, D(12100), 6, {4: D(11900), 5: D(11900)}), Status.ON_TRACK)

    def test_it_judges_a_rate_against_the_target_value_and_completes_it_only_in_december(self):
        self.assertEqual(status_for(growth(), D(12), 5), Status.ON_TRACK)
        self.assertEqual(status_for(growth(), D(12), 12), Status.DONE)
        self.assertEqual(status_for(growth(), D(10), 5), Status.BEHIND)  # 87.0% of 11.5: 13 points short
        self.assertEqual(status_for(growth(), D(9), 5), Status.SERIOUSLY_BEHIND)  # 78.3%: 21.7 points short

    def test_it_accepts_about_within_the_tolerance(self):
        share = target(value=D(11), unit_of_measure="%", kind=Target.Kind.RATE, comparison=Target.Comparison.ABOUT)
        self.assertEqual(status_for(share, D("10.5"), 12), Status.DONE)  # ≥ 11 × 95% = 10.45
        self.assertNotEqual(status_for(share, D("10.4"), 12), Status.DONE)


class CountByStatusTest(SimpleTestCase):
    def test_it_counts_every_status_in_order_with_zeros(self):
        # The headline counts of the overview, the workbook and the monthly summary: 13,000家 seen in
        # March with 12,000 (no year-start: 正常 on one month), 1450亿元 with 50 (3.4% of 25%: 严重滞后),
        # 300 (20.7%: 滞后) and nothing (未报送); a yearly target in March (未到报送期).
        standings = [
            standing_for(target(baseline=None), 3, {3: D(12000)}),
            standing_for(contracts(), 3, {3: D(50)}),
            standing_for(contracts(), 3, {3: D(300)}),
            standing_for(contracts(), 3, {}),
            standing_for(contracts(frequency=Target.Frequency.YEARLY), 3, {}),
        ]
        counts = count_by_status(standings)
        self.assertEqual(list(counts), STATUS_ORDER)
        self.assertEqual(list(counts.values()), [0, 1, 1, 1, 1, 1])  # 已完成 正常 滞后 严重滞后 未报送 未到报送期
        self.assertEqual(count_by_status([]), {status: 0 for status in STATUS_ORDER})


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
        self.assertEqual((standing.completion, standing.points), (D("86.2"), None))  # 1250 ÷ 1450
        self.assertFalse(standing.judged_by_trend)
        # Once November is approved at 1,300 (89.7%, 2.0 points short of 91.7%) it is 滞后.
        november = standing_for(contracts(), 11, {9: D(1100), 10: D(1250), 11: D(1300)})
        self.assertEqual(november.status, Status.BEHIND)
        self.assertEqual(november.missing_label, "")

    def test_it_gives_a_rate_its_points_and_a_stock_without_year_start_its_trend_flag(self):
        # 12.1% against 11.5%: 0.6 points above, no completion; judged at June's own month.
        rate = standing_for(growth(), 6, {3: D(11), 6: D("12.1")})
        self.assertEqual((rate.points, rate.completion, rate.value_month), (D("0.6"), None, 6))
        stock = standing_for(target(baseline=None), 6, {5: D(12000), 6: D(12400)})
        self.assertTrue(stock.judged_by_trend)
        self.assertEqual(stock.completion, D("95.4"))  # 12,400 ÷ 13,000 = 95.38
        self.assertFalse(standing_for(target(baseline=D(11000)), 6, {6: D(12000)}).judged_by_trend)

    def test_it_rounds_the_expected_share_half_up(self):
        # A profile of 12.25% by January is shown as 12.3% (half up), not 12.2% (half to even).
        profiled = contracts(monthly_profile=[D("12.25")] + [100] * 11)
        self.assertEqual(standing_for(profiled, 1, {1: D(200)}).expected_share, D("12.3"))
        self.assertEqual(standing_for(profiled, 1, {}).expected_share, D("12.3"))

    def test_it_says_the_first_month_is_missing_once_it_is_due(self):
        # January viewed with nothing approved: January was due, so the period is missing.
        january = standing_for(contracts(), 1, {})
        self.assertEqual(
            (january.status, january.due_month, january.missing_due_period), (Status.NOT_REPORTED, 1, True)
        )
        # A quarterly target in January has no period due yet: nothing missing, 未到报送期.
        quarterly = standing_for(growth(frequency=Target.Frequency.QUARTERLY), 1, {})
        self.assertEqual((quarterly.status, quarterly.due_month, quarterly.missing_due_period),
                         (Status.NOT_DUE, None, False))

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
        # Falling 100 a month: the trend reads 13,700 in December (low and high too: both steps are
        # −100); the forecast and its range stay at the latest 13,800 = 92.0% of 15,000.
        incubated = target(value=D(15000), baseline=None)
        forecast = forecast_for(incubated, {9: D(14000), 10: D(13900), 11: D(13800)})
        self.assertEqual((forecast.value, forecast.low, forecast.high), (D(13800), D(13800), D(13800)))
        self.assertEqual(forecast.completion, D("92.0"))
        self.assertEqual(forecast.pace_needed, D("1200.00"))  # (15000 − 13800) ÷ 1
        self.assertEqual(
            forecast.statement(incubated), "预计年底可达 13,800家（完成 92.0%），可能完不成目标；还需月均 1,200家"
        )

    def test_it_never_ends_a_running_total_below_its_latest_value(self):
        # A front-loaded profile (50% by January, all by February): Σ s·v = 0.5·100 + 1·700 = 750,
        # Σ s² = 0.25 + 1 = 1.25, b = 600 — below February's 700. Alone: 100 ÷ 0.5 = 200, 700 ÷ 1 = 700.
        # The forecast and its low end are raised to the latest value: 700 (48.3% of 1,450).
        front_loaded = contracts(monthly_profile=[50] + [100] * 11)
        forecast = forecast_for(front_loaded, {1: D(100), 2: D(700)})
        self.assertEqual(forecast.method, Method.PACE)
        self.assertEqual((forecast.value, forecast.low, forecast.high), (D("700.00"), D("700.00"), D("700.00")))
        self.assertEqual(forecast.completion, D("48.3"))
        self.assertTrue(forecast.likely_missed)
        self.assertEqual(forecast.pace_needed, D("75.00"))  # (1450 − 700) ÷ 10

    def test_a_forecast_at_the_latest_value_is_not_a_floor_above_it(self):
        # The floor only raises: rising 100 a month from 13,800, the trend reaches 13,900 and is kept.
        incubated = target(value=D(15000), baseline=None)
        forecast = forecast_for(incubated, {9: D(13600), 10: D(13700), 11: D(13800)})
        self.assertEqual((forecast.value, forecast.low, forecast.high), (D(13900), D(13900), D(13900)))

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


class RulesOnTheTargetListTest(PersonasTestCase):
    """The boundary and the floor as a leader reads them in the target list (stored standings)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3, 4, 5, 6], staff=cls.staff)

    def row(self, code, **june_and_before):
        """The target list's row of `code` at June after setting its approved values {month: value}."""
        for month, value in june_and_before.items():
            TargetValue.objects.filter(unit=self.kjj, target__code=code, month=int(month[1:])).update(value=D(value))
        refresh_plan(self.plan)
        self.client.force_login(self.leader)
        response = self.client.get(reverse("targets:list"), {"month": 6})
        self.assertEqual(response.status_code, 200)
        return table_rows(response.content.decode())[code]

    def test_exactly_twenty_points_behind_is_shown_as_behind(self):
        # 技术合同成交额 1,450 亿元, June (50%): 435 ÷ 1450 = 30.0%, exactly 20 points short → 滞后.
        row = self.row("T10", m6="435")
        self.assertEqual((row["完成率"], row["时间进度"], row["状态"]), ("30.0%", "50.0%", "滞后"))
        # 433.55 = 29.9%: 20.1 points short → 严重滞后; 436.45 = 30.1%: 19.9 short → 滞后.
        self.assertEqual(self.row("T10", m6="433.55")["状态"], "严重滞后")
        self.assertEqual(self.row("T10", m6="436.45")["状态"], "滞后")

    def test_a_falling_stock_is_forecast_at_its_latest_value(self):
        # 在孵初创科技企业数 (a stock, no year-start figure): 7,700, 7,600, 7,500 in April–June. The
        # trend (−100 a month) reads 6,900 in December; the forecast is the latest 7,500 = 50.0% of
        # 15,000, short of the target. Judged by the trend: 6,900 ÷ 15,000 = 46% → 54 short → 严重滞后.
        row = self.row("T26", m4="7700", m5="7600", m6="7500")
        self.assertEqual(row["预计全年"], "7,500家（50.0%） 可能完不成")
        self.assertEqual(row["状态"], "严重滞后")


class MutationKillsTest(SimpleTestCase):
    """Worked examples added where mutation testing (tests/mutation/run.py) found a rule that no
    example pinned down; every figure by hand."""

    # Status --------------------------------------------------------------------------------

    def test_a_standing_judges_a_stock_without_year_start_by_its_history(self):
        # Flat at 12,000 in July–September: 92.3% of 13,000 by December → 滞后 (not 正常, as one month alone).
        standing = standing_for(target(baseline=None), 9, {7: D(12000), 8: D(12000), 9: D(12000)})
        self.assertEqual(standing.status, Status.BEHIND)
        self.assertEqual(standing.monthly_values, {7: D(12000), 8: D(12000), 9: D(12000)})

    def test_it_counts_two_standings_of_the_same_status(self):
        two = [standing_for(contracts(), 3, {3: D(400)}), standing_for(contracts(), 3, {3: D(380)})]  # 27.6%, 26.2%
        self.assertEqual(count_by_status(two)[Status.ON_TRACK], 2)

    def test_a_flow_starts_from_zero_even_with_a_year_start_figure_stored(self):
        # Only a stock has a year-start figure; on a flow it is ignored: 362.5 ÷ 1450 = 25% in March → 正常.
        self.assertEqual(status_for(contracts(baseline=D(1000)), D("362.5"), 3), Status.ON_TRACK)

    def test_about_counts_exactly_95_percent_as_met(self):
        share = target(value=D(11), unit_of_measure="%", kind=Target.Kind.RATE, comparison=Target.Comparison.ABOUT)
        self.assertEqual(status_for(share, D("10.45"), 12), Status.DONE)  # 11 × 95% = 10.45 exactly

    def test_it_rounds_completion_and_points_half_up(self):
        # 525.625 ÷ 1450 = 36.25% → 36.3% (not 36.2); 11.75 − 11.5 = 0.25 points → 0.3 (not 0.2).
        self.assertEqual(standing_for(contracts(), 4, {4: D("525.625")}).completion, D("36.3"))
        self.assertEqual(standing_for(growth(), 6, {6: D("11.75")}).points, D("0.3"))

    def test_a_stock_whose_year_start_is_at_the_target_is_behind_until_it_gets_back(self):
        # Year-start 13,000 = the target, now 12,800: no distance to cover, progress 0 → June expects
        # 50% → 50 points short → 严重滞后 (not 正常, nor a division by zero).
        fallen = target(baseline=D(13000))
        self.assertEqual(status_for(fallen, D(12800), 6), Status.SERIOUSLY_BEHIND)
        # With a profile expecting 20.5% by January: 20.5 points short → 严重滞后 (0 progress, not 1).
        profiled = target(baseline=D(13000), monthly_profile=[D("20.5")] + [100] * 11)
        self.assertEqual(status_for(profiled, D(12800), 1), Status.SERIOUSLY_BEHIND)

    def test_a_stock_half_a_unit_from_its_target_is_measured_on_that_half(self):
        # 5.0亿元 from a year-start 4.5: 4.75 in June is half of the 0.5 to cover, as June expects → 正常.
        small = target(value=D("5.0"), unit_of_measure="亿元", baseline=D("4.5"))
        self.assertEqual(status_for(small, D("4.75"), 6), Status.ON_TRACK)

    # Forecast ------------------------------------------------------------------------------

    def test_it_carries_an_uneven_quarterly_stock_along_its_recent_trend(self):
        # No year-start: 10,000, 10,600, 11,500 in March, June, September. Mean month 6, mean 10,700:
        # slope = (−3·−700 + 0 + 3·800) ÷ (9 + 0 + 9) = 4,500 ÷ 18 = 250 a month → 11,500 + 3 × 250 = 12,250.
        # Steps: 600 ÷ 3 = 200 and 900 ÷ 3 = 300 a month → 12,100–12,400. 12,250 ÷ 13,000 = 94.2%;
        # still needed (13,000 − 11,500) ÷ 3 = 500 a month.
        firms = target(baseline=None, frequency=Target.Frequency.QUARTERLY)
        forecast = forecast_for(firms, {3: D(10000), 6: D(10600), 9: D(11500)})
        self.assertEqual((forecast.value, forecast.low, forecast.high), (D(12250), D(12100), D(12400)))
        self.assertEqual((forecast.months_used, forecast.months_left), (3, 3))
        self.assertEqual(
            forecast.statement(firms),
            "预计年底可达 12,250家（区间 12,100–12,400家，完成 94.2%），可能完不成目标；还需月均 500家",
        )

    def test_it_skips_a_month_the_profile_expects_nothing_of(self):
        # Profile 0, 10, 30 … : January (0%) carries no information and is skipped, not divided by.
        # Σ s·v = 0.1·100 + 0.3·330 = 109; Σ s² = 0.01 + 0.09 = 0.1; b = 1,090. Alone: 1,000 and 1,100.
        profile = [0, 10, 30, 40, 50, 60, 70, 80, 90, 95, 98, 100]
        forecast = forecast_for(contracts(monthly_profile=profile), {1: D(0), 2: D(100), 3: D(330)})
        self.assertEqual((forecast.value, forecast.low, forecast.high), (D("1090.00"), D("1000.00"), D("1100.00")))

    def test_it_fits_when_the_squares_of_the_shares_sum_to_one(self):
        # Shares 0.6 and 0.8: Σ s² = 0.36 + 0.64 = 1; Σ s·v = 0.6·60 + 0.8·80 = 100 → 100 个 (on target).
        profile = [60, 80, 85, 90, 92, 94, 96, 97, 98, 99, 99.5, 100]
        projects = target(value=D(100), unit_of_measure="个", kind=Target.Kind.CUMULATIVE, monthly_profile=profile)
        forecast = forecast_for(projects, {1: D(60), 2: D(80)})
        self.assertEqual(forecast.value, D(100))
        self.assertFalse(forecast.likely_missed)  # 100 ≥ 100
        self.assertNotIn("可能完不成", forecast.statement(projects))

    def test_it_gives_a_rate_s_forecast_its_months(self):
        forecast = forecast_for(growth(), {3: D(11), 6: D("12.1")})
        self.assertEqual((forecast.months_used, forecast.months_left), (2, 6))

    def test_it_rounds_a_forecast_and_the_pace_half_up(self):
        # A stock of 家 without year-start, 100 in September and 103 in November: 1.5 a month →
        # 103 + 1.5 = 104.5 → 105 (not 104, half to even).
        forecast = forecast_for(target(value=D(200), baseline=None), {9: D(100), 11: D(103)})
        self.assertEqual((forecast.value, forecast.low, forecast.high), (D(105), D(105), D(105)))
        # 1,449.96 in April: (1,450 − 1,449.96) ÷ 8 = 0.005 a month still needed → 0.01 (not 0.00).
        self.assertEqual(forecast_for(contracts(), {3: D("1449.90"), 4: D("1449.96")}).pace_needed, D("0.01"))

    def test_it_asks_no_pace_in_december(self):
        forecast = forecast_for(contracts(), {11: D(1300), 12: D(1400)})
        self.assertEqual((forecast.months_left, forecast.pace_needed), (0, None))
        self.assertTrue(forecast.likely_missed)

    # The chart's projection ----------------------------------------------------------------

    def test_it_draws_no_projection_for_a_rate_or_a_single_month(self):
        self.assertEqual(forecast_path(standing_for(growth(), 6, {3: D(11), 6: D(12)})), {})
        self.assertEqual(forecast_path(standing_for(contracts(), 3, {3: D(360)})), {})  # no forecast yet

    def test_it_draws_the_projection_from_the_latest_month_to_december_only(self):
        path = forecast_path(standing_for(contracts(), 3, {1: D(100), 2: D(220), 3: D(360)}))
        self.assertEqual(list(path), list(range(3, 13)))

    def test_it_puts_the_whole_rest_in_december_when_the_profile_has_nothing_left(self):
        # Profile 50, 100, 100 …: February already expects 100%. Σ s·v = 0.5·300 + 1·310 = 460,
        # Σ s² = 1.25 → 368. Nothing left on the profile: flat at 310 until November, 368 in December.
        standing = standing_for(contracts(monthly_profile=[50] + [100] * 11), 2, {1: D(300), 2: D(310)})
        path = forecast_path(standing)
        self.assertEqual(standing.forecast.value, D("368.00"))
        self.assertEqual({path[m] for m in range(2, 12)}, {D("310.00")})
        self.assertEqual(path[12], D("368.00"))

    def test_it_follows_a_profile_with_half_a_point_left(self):
        # Profile 50, 99.5, 100 …: half a point left after February, all of it in March, so the
        # projection reaches the forecast in March. Σ s·v = 0.5·300 + 0.995·310 = 458.45,
        # Σ s² = 0.25 + 0.990025 = 1.240025 → 369.71.
        standing = standing_for(contracts(monthly_profile=[50, D("99.5")] + [100] * 10), 2, {1: D(300), 2: D(310)})
        path = forecast_path(standing)
        self.assertEqual(standing.forecast.value, D("369.71"))
        self.assertEqual((path[2], path[3], path[12]), (D("310.00"), D("369.71"), D("369.71")))

    def test_it_rounds_the_projection_half_up(self):
        # From 600 in June (50%) to a forecast of 601.01: September is half-way on the remaining
        # 50 points, 600 + 0.505 = 600.505 → 600.51 (not 600.50).
        standing = standing_for(contracts(), 6, {5: D(500), 6: D(600)})
        standing = replace(standing, forecast=replace(standing.forecast, value=D("601.01")))
        self.assertEqual(forecast_path(standing)[9], D("600.51"))

    # Where a target should stand (the target page's 应达进度值 column) ----------------------

    def test_it_gives_the_value_expected_by_each_month(self):
        # A flow from zero: 1,450 × 6/12 = 725 by June. A stock from its year-start figure:
        # 11,000 + (13,000 − 11,000) × 50% = 12,000. A profile: 100 × 30% = 30 by March.
        # A rate: the target itself, whatever the month.
        self.assertEqual(expected_value_for(contracts(), 6), D(725))
        self.assertEqual(expected_value_for(target(baseline=D(11000)), 6), D(12000))
        self.assertEqual(expected_value_for(target(baseline=None), 6), D(6500))  # no year-start: from zero
        profiled = target(value=D(100), unit_of_measure="个", kind=Target.Kind.CUMULATIVE,
                          monthly_profile=[10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 98, 100])
        self.assertEqual(expected_value_for(profiled, 3), D(30))
        self.assertEqual(expected_value_for(growth(), 3), D("11.5"))
