"""A forecast as a value: its figures, the method that made it, and how both are worded.

Kept apart from the rules (targets/forecast.py) so that a stored standing (targets.models) can
give back the same Forecast it was computed with.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.numbers import format_number

TREND_MONTHS = 3
MILESTONE = "milestone"  # Target.Kind.MILESTONE


class Method(models.TextChoices):
    PACE = "pace", gettext_lazy("按进度外推")
    YEAR_START_PATH = "year_start_path", gettext_lazy("从年初基数外推")
    RECENT_TREND = "recent_trend", gettext_lazy("按近期趋势外推")
    REACHED = "reached", gettext_lazy("已达目标")
    LATEST_RATE = "latest_rate", gettext_lazy("按最新值")


@dataclass(frozen=True)
class Forecast:
    value: Decimal
    low: Decimal
    high: Decimal
    method: str
    months_used: int
    likely_missed: bool
    completion: Decimal | None  # None for rates
    points: Decimal | None  # rates only: + above, − below the target, in percentage points
    pace_needed: Decimal | None  # per month, to reach the target from the latest value
    months_left: int

    def method_text(self, target):
        """How this forecast was made, in words a leader can check."""
        if self.method == Method.PACE:
            text = _("按已报 %(n)s 个月的累计进度，沿应达进度曲线（最小二乘拟合）外推至12月。") % {"n": self.months_used}
        elif self.method == Method.YEAR_START_PATH:
            text = _("从年初基数 %(base)s%(unit)s 起，按已报 %(n)s 个月的增量沿应达进度曲线外推至12月。") % {
                "base": format_number(target.baseline), "unit": target.unit_of_measure, "n": self.months_used,
            }
        elif self.method == Method.RECENT_TREND:
            text = _("未设年初基数：按最近 %(n)s 个月的变化趋势从最新值外推至12月，持平则保持不变。") % {
                "n": min(self.months_used, TREND_MONTHS),
            }
        elif self.method == Method.REACHED:
            text = _("已达到目标：按最新值计，不再外推。")
        else:
            text = _("增速、占比类指标：以最新值作为全年预计，按百分点与目标比较。")
        if target.kind == MILESTONE and self.method != Method.REACHED:
            text += _("项目数量以计划确定的数量为上限。")
        return text

    def statement(self, target):
        """The forecast in one sentence: value, range, and what is still needed."""
        unit = target.unit_of_measure
        if self.method == Method.LATEST_RATE:
            text = _("按最新值预计全年 %(value)s%%，%(gap)s（各月区间 %(low)s%%–%(high)s%%）") % {
                "value": format_number(self.value), "gap": points_wording(self.points),
                "low": format_number(self.low), "high": format_number(self.high),
            }
        else:
            if self.low == self.high:  # reached, or a flat trend: no spread to show
                text = _("预计年底可达 %(value)s%(unit)s（完成 %(completion)s%%）") % {
                    "value": format_number(self.value), "unit": unit, "completion": self.completion,
                }
            else:
                text = _("预计年底可达 %(value)s%(unit)s（区间 %(low)s–%(high)s%(unit)s，完成 %(completion)s%%）") % {
                    "value": format_number(self.value), "unit": unit, "completion": self.completion,
                    "low": format_number(self.low), "high": format_number(self.high),
                }
        if self.likely_missed:
            text += _("，可能完不成目标")
        if self.pace_needed is not None:
            text += _("；还需月均 %(pace)s%(unit)s") % {"pace": format_number(self.pace_needed), "unit": unit}
        return text


def points_wording(points):
    """高于目标0.6个百分点 / 低于目标1.4个百分点 / 与目标持平."""
    if points is None:
        return ""
    if points > 0:
        return _("高于目标%(points)s个百分点") % {"points": format_number(points)}
    if points < 0:
        return _("低于目标%(points)s个百分点") % {"points": format_number(-points)}
    return _("与目标持平")
