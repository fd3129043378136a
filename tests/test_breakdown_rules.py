"""The city figure from its districts' shares (targets/breakdown.py), worked by hand.

No database: the rules take targets and figures as they are given. The pages that show them (the
breakdown table, 已报 n/N, the even split offered when staff break a target down) are in
tests/test_target_breakdown.py.
"""

from decimal import Decimal
from types import SimpleNamespace

from django.test import SimpleTestCase

from targets import breakdown
from targets.models import Target

D = Decimal


def city(value, kind=Target.Kind.CUMULATIVE, rule=Target.ShareRule.SUM):
    return Target(code="T08", name="高新技术企业数", value=D(value), kind=kind, share_rule=rule,
                  frequency=Target.Frequency.MONTHLY)


class CombinedFigureTest(SimpleTestCase):
    def test_it_sums_the_districts_that_reported(self):
        # 1.5 + 2.25 (the third district has not reported) = 3.75
        self.assertEqual(breakdown.combined_figure(Target.ShareRule.SUM, [D("1.5"), None, D("2.25")]), D("3.7500"))

    def test_it_averages_the_districts_that_reported(self):
        # (1 + 2 + 2) ÷ 3 = 1.66666… → 1.6667 at the stored four places
        self.assertEqual(breakdown.combined_figure(Target.ShareRule.MEAN, [D(1), D(2), None, D(2)]), D("1.6667"))

    def test_it_rounds_a_half_at_the_fifth_place_up(self):
        # (0.0002 + 0.0003) ÷ 2 = 0.00025 → 0.0003 (half-even would write 0.0002)
        self.assertEqual(breakdown.combined_figure(Target.ShareRule.MEAN, [D("0.0002"), D("0.0003")]), D("0.0003"))
        self.assertEqual(breakdown.combined_figure(Target.ShareRule.SUM, [D("0.00005")]), D("0.0001"))

    def test_it_has_no_figure_without_a_district_or_under_no_rule(self):
        self.assertIsNone(breakdown.combined_figure(Target.ShareRule.SUM, []))
        self.assertIsNone(breakdown.combined_figure(Target.ShareRule.SUM, [None, None]))
        self.assertIsNone(breakdown.combined_figure(Target.ShareRule.NONE, [D(5)]))


class ReportedCountTest(SimpleTestCase):
    def test_it_counts_the_districts_with_a_figure_for_the_month(self):
        shares = [
            SimpleNamespace(monthly_values_json={"1": "10", "2": "12"}),
            SimpleNamespace(monthly_values_json={"1": "7"}),
            SimpleNamespace(monthly_values_json={}),
        ]
        self.assertEqual(breakdown.reported_count(shares, 1), (2, 3))
        self.assertEqual(breakdown.reported_count(shares, 2), (1, 3))
        self.assertEqual(breakdown.reported_count(shares, 3), (0, 3))
        self.assertEqual(breakdown.reported_count(shares, None), (0, 3))  # no month counted yet


class EvenSplitTest(SimpleTestCase):
    def test_a_whole_value_splits_into_whole_numbers_half_up(self):
        self.assertEqual(breakdown.even_split(city("13000"), 17), D(765))  # 764.71 → 765
        self.assertEqual(breakdown.even_split(city("10"), 4), D(3))  # 2.5 → 3 (half-even would give 2)
        self.assertEqual(breakdown.even_split(city("1"), 3), D(1))  # 0.33 → 0, and at least 1

    def test_a_milestone_rounds_up_and_is_at_least_one(self):
        milestone = Target.Kind.MILESTONE
        self.assertEqual(breakdown.even_split(city("20", milestone), 3), D(7))  # 6.67 → 7
        self.assertEqual(breakdown.even_split(city("4", milestone), 17), D(1))  # 0.24 → 1

    def test_a_value_with_decimals_splits_to_two_places_half_up(self):
        self.assertEqual(breakdown.even_split(city("115.5"), 17), D("6.79"))  # 6.794…
        self.assertEqual(breakdown.even_split(city("0.25"), 2), D("0.13"))  # 0.125 → 0.13, not 0.12
        self.assertEqual(breakdown.even_split(city("0.05"), 17), D("0.01"))  # 0.0029 → 0.00, and at least 0.01

    def test_a_rate_and_a_single_share_keep_the_city_value(self):
        self.assertEqual(breakdown.even_split(city("11.5", Target.Kind.RATE), 17), D("11.5"))
        self.assertEqual(breakdown.even_split(city("1.2345"), 1), D("1.2345"))  # not cut to 1.23
        self.assertEqual(breakdown.even_split(city("30"), 0), D(30))


class SharesTotalTest(SimpleTestCase):
    def test_it_totals_the_shares_targets_under_the_citys_rule(self):
        self.assertEqual(breakdown.shares_total(city("100"), [D(60), None, D(45)]), D("105.0000"))
        self.assertEqual(breakdown.shares_total(city("11.5", rule=Target.ShareRule.MEAN), [D(11), D(12)]), D("11.5000"))
        # 不汇总: the districts' targets are still compared with the city's as a sum
        self.assertEqual(breakdown.shares_total(city("100", rule=Target.ShareRule.NONE), [D(60), D(45)]), D("105.0000"))
        self.assertIsNone(breakdown.shares_total(city("100"), [None]))

    def test_it_warns_only_when_the_shares_do_not_come_to_the_city_value(self):
        self.assertIsNone(breakdown.mismatch(city("100"), [D(60), D(40)]))
        self.assertEqual(breakdown.mismatch(city("100"), [D(60), D(39)]), D("99.0000"))
        self.assertIsNone(breakdown.mismatch(city("11.5", rule=Target.ShareRule.MEAN), [D(11), D(12)]))
        self.assertEqual(breakdown.mismatch(city("11.5", rule=Target.ShareRule.MEAN), [D(11), D(11)]), D("11.0000"))
        self.assertIsNone(breakdown.mismatch(city("100"), []))
