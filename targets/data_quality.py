"""Suspect figures, caught when they are entered (as DHIS2's outlier checks do for health data).

`suspect_reasons(target, value, month, earlier)` lists why a unit's figure for `month` looks wrong,
given its own earlier figures of the year ({month: value}). Each reason is a warning, not a refusal:
the figure may be right (a correction, a revised statistic), so the form asks for a note that
confirms it and the report is flagged for the reviewer. The checks:

- a cumulative figure (年度累计, 限定数量的项目) below the month before: a year's total cannot fall;
- a share (占比) outside 0–100 %, a growth rate (增速, 增幅) below −100 %, a change in points (比例提升)
  outside ±100 points;
- a stock (年末存量) that falls when its target is above it: it moves the wrong way;
- a month-on-month change of a count or amount (not a rate) far beyond the unit's own history: with
  at least three earlier changes,
  a modified z-score (0.6745 × |change − median| ÷ median absolute deviation) above 3.5, the rule
  Iglewicz and Hoaglin give and DHIS2 uses; with no spread in the history, a change more than three
  times the usual one.
"""

from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from django.utils.translation import gettext as _

from targets.models import Target
from targets.numbers import format_number

Z_LIMIT = Decimal("3.5")
MIN_HISTORY = 3  # earlier month-on-month changes needed to judge a change against them


@dataclass(frozen=True)
class SuspectReason:
    code: str
    message: str


def _previous(earlier, month):
    months = [m for m in earlier if m < month and earlier[m] is not None]
    return (max(months), earlier[max(months)]) if months else (None, None)


def _changes(earlier, month):
    """The month-on-month changes of the unit's earlier figures, in month order."""
    months = sorted(m for m in earlier if m < month and earlier[m] is not None)
    return [earlier[b] - earlier[a] for a, b in zip(months, months[1:], strict=False)]


def _range_reason(target, value):
    name = target.name
    if "占比" in name and not Decimal(0) <= value <= Decimal(100):
        return SuspectReason("share_range", _("占比应在 0 至 100%% 之间，本月填报 %(value)s%%。") % {
            "value": format_number(value)})
    if ("增速" in name or "增幅" in name) and value < Decimal(-100):
        return SuspectReason("rate_range", _("增速不可能低于 -100%%，本月填报 %(value)s%%。") % {
            "value": format_number(value)})
    if "提升" in name and not Decimal(-100) <= value <= Decimal(100):
        return SuspectReason("points_range", _("提升的百分点应在 ±100 之内，本月填报 %(value)s。") % {
            "value": format_number(value)})
    return None


def _outlier_reason(value, previous_value, history):
    if previous_value is None or len(history) < MIN_HISTORY:
        return None
    change = value - previous_value
    middle = Decimal(median(history))
    spread = Decimal(median([abs(h - middle) for h in history]))
    if spread:
        z = Decimal("0.6745") * abs(change - middle) / spread
        unusual = z > Z_LIMIT
    else:
        usual = max(abs(middle), Decimal(1))
        unusual = abs(change - middle) > 3 * usual
    if not unusual:
        return None
    return SuspectReason("outlier", _("较上月变化 %(change)s，远超本单位此前各月的变化（通常约 %(usual)s）。") % {
        "change": format_number(change), "usual": format_number(middle)})


def suspect_reasons(target, value, month, earlier):
    """Why `value` (the unit's figure of `target` for `month`) looks wrong; [] when nothing does."""
    if value is None:
        return []
    earlier = {m: v for m, v in (earlier or {}).items() if v is not None}
    previous_month, previous_value = _previous(earlier, month)
    reasons = []
    kinds = Target.Kind
    if target.kind in (kinds.CUMULATIVE, kinds.MILESTONE) and previous_value is not None and value < previous_value:
        message = _("累计值低于%(month)s月的 %(previous)s：全年累计不会减少。")
        reasons.append(SuspectReason("cumulative_fell", message % {
            "month": previous_month, "previous": format_number(previous_value)}))
    if target.kind == kinds.STOCK and previous_value is not None and value < previous_value < target.value:
        reasons.append(SuspectReason("stock_fell", _("存量较%(month)s月的 %(previous)s 减少，与目标方向相反。") % {
            "month": previous_month, "previous": format_number(previous_value)}))
    if target.kind == kinds.RATE:
        reason = _range_reason(target, value)
        if reason:
            reasons.append(reason)
    # Rates and shares are year-to-date percents that move in jumps: judged by their range only.
    if not reasons and target.kind != kinds.RATE:
        reason = _outlier_reason(value, previous_value, _changes(earlier, month))
        if reason:
            reasons.append(reason)
    return reasons
