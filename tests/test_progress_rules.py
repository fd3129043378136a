"""Worked examples of the rules in targets/progress.py and targets/asof.py, figures checked by hand.

Forecast (targets/progress.py module doc): b = Σ sₖ·pₖ ÷ Σ sₖ², year end = baseline + b.
"""

import datetime
from decimal import Decimal as D

from django.test import SimpleTestCase, override_settings

from targets.asof import as_of_month, default_month
from targets.models import Target
from targets.progress import (
    Status,
    forecast_for,
    forecast_path,
    standing_for,
    status_for,
    task_status,
)
from tests import dashboard_seed
from tests.personas import PersonasTestCase


def target(**fields):
    defaults = {"code": "X", "name": "高新技术企业数", "value": D(13000), "unit_of_measure": "家",
                "comparison": Target.Comparison.AT_LEAST, "kind": Target.Kind.STOCK}
    defaults.update(fields)
    return Target(**defaults)


class StatusExamplesTest(SimpleTestCase):
    def test_it_judges_a_cumulative_flow_against_time_progress(self):
        contracts = target(name="技术合同成交额", value=D(1450), unit_of_measure="亿元", kind=Target.Kind.CUMULATIVE)
        # March: time progress 25%. 380/1450 = 26.2% → 正常; 300 = 20.7% (4.3 points short) → 滞后;
        # 50 = 3.4% (21.6 points short, more than 20) → 严重滞后; nothing approved → 未报送.
        self.assertEqual(status_for(contracts, D(380), 3), Status.ON_TRACK)
        self.assertEqual(status_for(contracts, D(300), 3), Status.BEHIND)
        self.assertEqual(status_for(contracts, D(50), 3), Status.SERIOUSLY_BEHIND)
        self.assertEqual(status_for(contracts, None, 3), Status.NOT_REPORTED)
        self.assertEqual(status_for(contracts, D(1450), 9), Status.DONE)

    @override_settings(STATUS_SERIOUS_LAG_POINTS=30)
    def test_it_reads_the_serious_lag_threshold_from_settings(self):
        contracts = target(value=D(1450), kind=Target.Kind.CUMULATIVE)
        self.assertEqual(status_for(contracts, D(50), 3), Status.BEHIND)

    def test_it_measures_a_stock_from_its_baseline(self):
        firms = target(baseline=D(11000))
        # June: (12000 − 11000) ÷ (13000 − 11000) = 50% of the way, time progress 50% → 正常.
        self.assertEqual(status_for(firms, D(12000), 6), Status.ON_TRACK)
        self.assertEqual(status_for(firms, D(11900), 6), Status.BEHIND)

    def test_it_judges_a_rate_against_the_target_value_and_completes_it_only_in_december(self):
        growth = target(name="高新技术产业增加值增速", value=D("11.5"), unit_of_measure="%", kind=Target.Kind.RATE)
        self.assertEqual(status_for(growth, D(12), 5), Status.ON_TRACK)
        self.assertEqual(status_for(growth, D(12), 12), Status.DONE)
        self.assertEqual(status_for(growth, D(10), 5), Status.BEHIND)  # 87.0% of 11.5: 13 points short
        self.assertEqual(status_for(growth, D(9), 5), Status.SERIOUSLY_BEHIND)  # 78.3%: 21.7 points short

    def test_it_accepts_about_within_the_tolerance(self):
        share = target(value=D(11), unit_of_measure="%", kind=Target.Kind.RATE, comparison=Target.Comparison.ABOUT)
        self.assertEqual(status_for(share, D("10.5"), 12), Status.DONE)  # ≥ 11 × 95% = 10.45
        self.assertNotEqual(status_for(share, D("10.4"), 12), Status.DONE)


class ForecastExamplesTest(SimpleTestCase):
    def test_it_projects_a_stock_from_six_months(self):
        firms = target(baseline=D(11000))
        values = {1: D(11200), 2: D(11300), 3: D(11500), 4: D(11700), 5: D(11800), 6: D(12000)}
        # Σ s·p = (1·200 + 2·300 + 3·500 + 4·700 + 5·800 + 6·1000)/12 = 15100/12;
        # Σ s² = (1+4+9+16+25+36)/144 = 91/144; b = 1991.21; year end 12,991.21, shown as 12,991 家
        # (firms are counted whole) = 99.9% → likely missed.
        standing = standing_for(firms, 6, values)
        self.assertEqual(standing.status, Status.ON_TRACK)
        self.assertEqual(standing.forecast.value, D("12991"))
        self.assertEqual(standing.forecast.completion, D("99.9"))
        self.assertTrue(standing.forecast.likely_missed)
        self.assertEqual(
            standing.forecast.statement(firms), "按当前进度预计年底可达 12,991家（完成 99.9%），可能完不成目标"
        )

    def test_it_follows_a_seasonal_profile(self):
        profile = [2, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
        projects = target(value=D(100), unit_of_measure="个", kind=Target.Kind.CUMULATIVE, monthly_profile=profile)
        standing = standing_for(projects, 3, {1: D(2), 2: D(5), 3: D(10)})
        # On the profile exactly: 10 of 100 by March, when the profile expects 10% → 正常, 100 by December.
        self.assertEqual(standing.status, Status.ON_TRACK)
        self.assertEqual(standing.forecast.value, D("100.00"))
        self.assertFalse(standing.forecast.likely_missed)
        self.assertEqual(standing.forecast.statement(projects), "按当前进度预计年底可达 100个（完成 100.0%）")
        # The projected path follows the profile, not a straight line: 20 in April, 50 in July.
        path = forecast_path(standing)
        self.assertEqual(path[4], D("20.00"))
        self.assertEqual(path[7], D("50.00"))

    def test_it_draws_a_linear_projection_from_the_latest_value(self):
        contracts = target(value=D(1450), unit_of_measure="亿元", kind=Target.Kind.CUMULATIVE)
        standing = standing_for(contracts, 3, {1: D(80), 2: D(200), 3: D(380)})
        path = forecast_path(standing)
        self.assertEqual(path[3], D("380.00"))
        self.assertEqual(path[12], standing.forecast.value)
        self.assertEqual(standing.forecast.value, D("1388.57"))
        # Equal steps each month: (1388.57 − 380) ÷ 9 ≈ 112.06.
        self.assertEqual(path[4], D("492.06"))

    def test_it_has_no_forecast_for_rates_or_without_values(self):
        growth = target(value=D("11.5"), kind=Target.Kind.RATE)
        self.assertIsNone(forecast_for(growth, {3: D(12)}))
        self.assertIsNone(forecast_for(target(), {}))
        self.assertEqual(forecast_path(standing_for(target(), 3, {})), {})


class TaskStatusExamplesTest(SimpleTestCase):
    def test_it_is_not_reported_when_nothing_is(self):
        self.assertEqual(task_status([Status.NOT_REPORTED], [None, None], 3), Status.NOT_REPORTED)
        self.assertEqual(task_status([], [], 3), Status.NOT_REPORTED)

    def test_it_takes_the_worst_part(self):
        self.assertEqual(task_status([Status.ON_TRACK, Status.SERIOUSLY_BEHIND], ["on_track"], 3), Status.SERIOUSLY_BEHIND)
        self.assertEqual(task_status([Status.ON_TRACK], ["on_track", "behind"], 3), Status.BEHIND)
        self.assertEqual(task_status([Status.ON_TRACK], ["on_track", None], 3), Status.ON_TRACK)

    def test_it_counts_not_started_as_behind_after_june(self):
        self.assertEqual(task_status([], ["not_started"], 6), Status.ON_TRACK)
        self.assertEqual(task_status([], ["not_started"], 7), Status.BEHIND)

    def test_it_is_done_only_when_every_part_is(self):
        self.assertEqual(task_status([Status.DONE], ["done", "done"], 12), Status.DONE)
        self.assertEqual(task_status([Status.DONE], ["done", None], 12), Status.ON_TRACK)
        self.assertEqual(task_status([Status.DONE, Status.NOT_REPORTED], ["done"], 12), Status.ON_TRACK)


class AsOfMonthTest(PersonasTestCase):
    def test_it_defaults_to_the_latest_approved_month(self):
        after_the_year = datetime.date(2024, 3, 1)
        self.assertEqual(default_month(self.plan, after_the_year), 12)  # nothing approved yet
        dashboard_seed.seed_months(self.plan, [1, 2, 3])
        self.assertEqual(default_month(self.plan, after_the_year), 3)

    def test_it_uses_the_current_month_while_the_plan_year_runs(self):
        self.assertEqual(default_month(self.plan, datetime.date(2023, 5, 20)), 5)
        self.assertEqual(default_month(self.plan, datetime.date(2022, 12, 1)), 1)
        dashboard_seed.seed_months(self.plan, [1, 2])
        self.assertEqual(default_month(self.plan, datetime.date(2023, 5, 20)), 2)

    def test_it_reads_the_month_from_the_query_and_rejects_bad_input(self):
        from django.test import RequestFactory

        factory = RequestFactory()
        self.assertEqual(as_of_month(factory.get("/", {"month": "7"}), self.plan).month, 7)
        for bad in ("13", "0", "abc", "5.5"):
            as_of = as_of_month(factory.get("/", {"month": bad}), self.plan, today=datetime.date(2024, 1, 1))
            self.assertEqual(as_of.month, 12)
            self.assertIn("月份须为 1 至 12 的整数", str(as_of.error))


class StockWithoutBaselineForecastTest(SimpleTestCase):
    def test_it_carries_the_monthly_trend_when_the_year_start_is_unknown(self):
        firms = target(baseline=None)
        # 9,800 → 11,300 in six months, 300 a month: the trend line reads 13,100 at December (100.8%).
        values = {1: D(9800), 2: D(10100), 3: D(10400), 4: D(10700), 5: D(11000), 6: D(11300)}
        forecast = forecast_for(firms, values)
        self.assertEqual(forecast.value, D("13100.00"))
        self.assertEqual(forecast.completion, D("100.8"))
        self.assertFalse(forecast.likely_missed)

    def test_it_needs_two_months(self):
        self.assertIsNone(forecast_for(target(baseline=None), {3: D(10400)}))
