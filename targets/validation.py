"""Reading a figure a unit types (or uploads) for a target: the one place its rules live.

Used by the reporting form, the Excel upload and the bureau's corrections alike, through
`clean_target_value(target, raw)`.

Decisions:
- Full-width digits, signs and points (１２．５, －３) are normalised (NFKC) and accepted: they
  are what a Chinese input method types by default, and there is nothing ambiguous about them.
- Thousands separators are accepted only in their proper place (12,400 or 12，400); 1,5 is refused.
- A trailing % is accepted for a rate or share target (the value is in percent already), refused otherwise.
- Counts, totals and stocks cannot be negative; a rate or share may be (a falling growth rate),
  but never below −100 %, nor above 1000 %.
- A fixed number of projects the plan names (限定数量的项目, e.g. 推进建设4个设施) cannot pass that number.
- At most 4 decimal places (the column's precision); nothing that does not fit the column
  (12 integer digits); nothing over 100 times the target value, which is a unit mistake
  (万元 typed for 亿元) far more often than a real figure.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_DECIMAL_PLACES = 4
FOUR_PLACES = Decimal("0.0001")
MAX_ABSOLUTE = Decimal(10) ** 12  # TargetValue.value: max_digits=16, decimal_places=4
MAX_PERCENT = Decimal(1000)
MIN_PERCENT = Decimal(-100)
MAX_TIMES_TARGET = 100

_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")


def _normalise(raw):
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    # NFKC maps the full-width comma and point to ASCII; the ideographic full stop stays, and
    # the minus sign (U+2212) is not a hyphen: treat both as what the typist meant.
    return text.replace("。", ".").replace("\u2212", "-").replace(" ", "")


def clean_target_value(target, raw):
    """The Decimal a unit means by `raw` for `target`, or ValidationError with a Chinese message."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError(_("请填写数值。"), code="required")
    if isinstance(raw, bool):
        raise ValidationError(_("“%(raw)s”不是数字。") % {"raw": raw}, code="invalid")
    if isinstance(raw, Decimal):
        number = raw
    elif isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw))
    else:
        text = _normalise(raw)
        if text.endswith("%"):
            if not target.is_percent:
                raise ValidationError(
                    _("该指标计量单位为“%(unit)s”，不是百分比，请去掉“%%”。") % {"unit": target.unit_of_measure},
                    code="invalid",
                )
            text = text[:-1]
        if not _NUMBER.match(text):
            raise ValidationError(_("“%(raw)s”不是数字。") % {"raw": str(raw)[:40]}, code="invalid")
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValidationError(_("“%(raw)s”不是数字。") % {"raw": str(raw)[:40]}, code="invalid") from None
    if not number.is_finite():
        raise ValidationError(_("“%(raw)s”不是数字。") % {"raw": str(raw)[:40]}, code="invalid")
    if abs(number) >= MAX_ABSOLUTE:
        raise ValidationError(_("数值过大，请检查是否填错。"), code="too_large")
    exponent = number.as_tuple().exponent
    if -exponent > MAX_DECIMAL_PLACES and number != number.quantize(FOUR_PLACES):
        raise ValidationError(
            _("小数位数不能超过 %(places)d 位。") % {"places": MAX_DECIMAL_PLACES}, code="max_decimal_places"
        )
    if target.is_percent:
        if number > MAX_PERCENT:
            raise ValidationError(_("百分比不能超过 1000%。"), code="max_percent")
        if number < MIN_PERCENT:
            raise ValidationError(_("百分比不能低于 -100%。"), code="min_percent")
    elif number < 0:
        raise ValidationError(
            _("该指标（%(unit)s）不能为负数。") % {"unit": target.unit_of_measure}, code="negative"
        )
    if not target.is_percent and target.value and number > target.value * MAX_TIMES_TARGET:
        raise ValidationError(
            _("数值超过目标值（%(target)s%(unit)s）的 %(times)d 倍，请检查计量单位是否填错。")
            % {"target": target.display_value, "unit": target.unit_of_measure, "times": MAX_TIMES_TARGET},
            code="too_large",
        )
    if target.kind == target.Kind.MILESTONE and number > target.value:
        raise ValidationError(
            _("该指标是计划确定的 %(target)s%(unit)s项目，数值不能超过 %(target)s。")
            % {"target": target.display_value, "unit": target.unit_of_measure},
            code="above_milestone",
        )
    return number
