"""Where a target should stand at a month, and how a figure compares with the target.

The primitives the status (targets/progress.py) and the forecast (targets/forecast.py) share.
All percentages are 0–100.

- time progress (时间进度) at month m: m/12 of the year;
- expected share at month m: the target's monthly profile (cumulative %) if it has one, else the
  time progress; a rate or share is measured against the target itself (100 %);
- a stock's path starts from its year-start figure (年初基数) when staff have set one; a flow
  or a count of projects starts from zero;
- completion (完成率): value ÷ target, not shown for rates, which are compared in percentage points.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from targets.models import Target

HUNDRED = Decimal(100)
ONE_PLACE = Decimal("0.1")
TWO_PLACES = Decimal("0.01")
# Things counted one by one: a forecast of 4.98 facilities is 5, and never 4.98.
WHOLE_NUMBER_UNITS = {"家", "个", "名", "人", "项", "场", "件"}


def time_progress(month):
    """Share of the year elapsed at the end of `month`, in percent."""
    return (Decimal(month) * HUNDRED / Decimal(12)).quantize(ONE_PLACE, ROUND_HALF_UP)


def is_rate(target):
    return target.kind == Target.Kind.RATE


def counts_whole_things(target):
    return target.unit_of_measure in WHOLE_NUMBER_UNITS


def has_year_start(target):
    """A stock whose year-start figure staff have set: its path starts there, not at zero."""
    return target.kind == Target.Kind.STOCK and target.baseline is not None


def is_stock_without_year_start(target):
    return target.kind == Target.Kind.STOCK and target.baseline is None


def expected_share(target, month):
    """The share of the year's work the target should have done by the end of `month`, in percent."""
    if is_rate(target):
        return HUNDRED
    if target.monthly_profile:
        return Decimal(str(target.monthly_profile[month - 1]))
    return Decimal(month) * HUNDRED / Decimal(12)


def baseline_of(target):
    return target.baseline if has_year_start(target) else Decimal(0)


def expected_value_for(target, month):
    """Where the target should stand at the end of `month` on its expected path."""
    if is_rate(target):
        return target.value
    base = baseline_of(target)
    return base + (target.value - base) * expected_share(target, month) / HUNDRED


def meets_target(target, value):
    if value is None:
        return False
    if target.comparison == Target.Comparison.ABOUT:
        tolerance = Decimal(settings.STATUS_ABOUT_TOLERANCE_PERCENT) / HUNDRED
        return value >= target.value * (1 - tolerance)
    return value >= target.value


def completion_of(target, value):
    """Value ÷ target in percent; None for a rate or share (compared in points instead)."""
    if value is None or is_rate(target):
        return None
    return (value * HUNDRED / target.value).quantize(ONE_PLACE, ROUND_HALF_UP)


def points_from_target(target, value):
    """A rate's distance from its target in percentage points (+0.6 above, −1.4 below)."""
    if value is None or not is_rate(target):
        return None
    return (value - target.value).quantize(ONE_PLACE, ROUND_HALF_UP)


def progress_of(target, value):
    """Progress towards the target in percent of the distance from the path's start."""
    base = baseline_of(target)
    span = target.value - base
    if span <= 0:
        return HUNDRED if value >= target.value else Decimal(0)
    return (value - base) * HUNDRED / span
