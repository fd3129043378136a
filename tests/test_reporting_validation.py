"""targets.validation.clean_target_value: what a unit may type for a target's figure."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from targets.models import Target
from targets.validation import clean_target_value


def target(kind=Target.Kind.CUMULATIVE, value="1450", unit="亿元"):
    return Target(code="T99", name="测试指标", kind=kind, value=Decimal(value), unit_of_measure=unit)


RATE = target(Target.Kind.RATE, "11.5", "%")
COUNT = target(Target.Kind.STOCK, "13000", "家")


class CleanTargetValueTests(SimpleTestCase):
    def assertRefused(self, t, raw, fragment):
        with self.assertRaises(ValidationError) as caught:
            clean_target_value(t, raw)
        self.assertIn(fragment, " ".join(caught.exception.messages))

    def test_it_reads_plain_and_decimal_input(self):
        self.assertEqual(clean_target_value(COUNT, "12400"), Decimal("12400"))
        self.assertEqual(clean_target_value(COUNT, " 12,400 "), Decimal("12400"))
        self.assertEqual(clean_target_value(RATE, "12.35"), Decimal("12.35"))
        self.assertEqual(clean_target_value(COUNT, Decimal("5")), Decimal("5"))
        self.assertEqual(clean_target_value(COUNT, 7), Decimal("7"))

    def test_it_normalises_full_width_digits(self):
        self.assertEqual(clean_target_value(COUNT, "１２４００"), Decimal("12400"))
        self.assertEqual(clean_target_value(RATE, "１２．５"), Decimal("12.5"))
        self.assertEqual(clean_target_value(RATE, "－３"), Decimal("-3"))
        self.assertEqual(clean_target_value(COUNT, "12，400"), Decimal("12400"))

    def test_it_accepts_a_percent_sign_only_for_rates(self):
        self.assertEqual(clean_target_value(RATE, "12.5%"), Decimal("12.5"))
        self.assertRefused(COUNT, "12%", "不是百分比")

    def test_it_refuses_text(self):
        for raw in ("abc", "十二", "1.2.3", "1,5", "1e5", "NaN", "Infinity", "--1", ""):
            with self.subTest(raw=raw):
                with self.assertRaises(ValidationError):
                    clean_target_value(COUNT, raw)
        self.assertRefused(COUNT, "abc", "“abc”不是数字")
        self.assertRefused(COUNT, "  ", "请填写数值")
        self.assertRefused(COUNT, None, "请填写数值")

    def test_it_refuses_a_negative_count(self):
        self.assertRefused(COUNT, "-1", "不能为负数")

    def test_it_allows_a_falling_rate_but_not_below_minus_100(self):
        self.assertEqual(clean_target_value(RATE, "-3.5"), Decimal("-3.5"))
        self.assertRefused(RATE, "-101", "不能低于 -100%")

    def test_it_refuses_a_percent_over_1000(self):
        self.assertEqual(clean_target_value(RATE, "1000"), Decimal("1000"))
        self.assertRefused(RATE, "1000.01", "不能超过 1000%")

    def test_it_refuses_more_than_four_decimals(self):
        self.assertEqual(clean_target_value(RATE, "1.23450"), Decimal("1.23450"))
        self.assertRefused(RATE, "1.23456", "小数位数不能超过 4 位")

    def test_it_refuses_absurdly_large_numbers(self):
        self.assertRefused(COUNT, "1" + "0" * 12, "数值过大")
        self.assertRefused(COUNT, "1" + "0" * 40 + ".12345", "数值过大")
        self.assertRefused(target(), "145001", "超过目标值（1450亿元）的 100 倍")
        self.assertEqual(clean_target_value(target(), "145000"), Decimal("145000"))


class MilestoneValueTests(SimpleTestCase):
    def test_it_refuses_more_projects_than_the_plan_names(self):
        facilities = target(Target.Kind.MILESTONE, "4", "个")
        self.assertEqual(clean_target_value(facilities, "4"), Decimal("4"))
        with self.assertRaises(ValidationError) as caught:
            clean_target_value(facilities, "5")
        self.assertEqual(caught.exception.messages, ["该指标是计划确定的 4个项目，数值不能超过 4。"])
