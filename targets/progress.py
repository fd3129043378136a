"""A target's standing at a month: its figure, the figure's own month, status and forecast.

The one source of truth for these figures. targets/standing_store.py stores what `standing_for`
gives for every month when the data changes; pages, tables, charts, Excel and emails read those
stored standings and never compute a status themselves.

The rules (README, 《指标状态与预计的规则》):
- a target is due in the months of its reporting frequency (quarterly: 3, 6, 9, 12). Viewed at
  month m, it shows its latest approved value up to m **judged at that value's own month**: an
  October figure seen in November keeps October's status; when the latest period due (m for a
  monthly target) has no approved value the standing says so (本月未报送 / 本期未报送). With no value
  at all it is 未报送 once a period is due, 未到报送期 before;
- status of a value v for month j: 已完成 when v meets the target (不低于/达到: ≥ target;
  左右: ≥ target less STATUS_ABOUT_TOLERANCE_PERCENT %); a rate or share counts as 已完成 only
  in December — before, meeting it is 正常. Otherwise the gap is the expected share at j less the
  progress (v − start) ÷ (target − start), in points: 正常 when ≤ 0, 严重滞后 when more than
  STATUS_SERIOUS_LAG_POINTS, else 滞后 (a rate's progress is v ÷ target). A stock without a
  year-start figure is judged from its trend only: 正常 while fewer than two months are reported,
  then by its trend forecast — 正常 if it meets the target, 严重滞后 if it falls short by more than
  STATUS_SERIOUS_LAG_POINTS % of the target, else 滞后;
- forecast: targets/forecast.py.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from targets.expected_path import (
    HUNDRED,
    ONE_PLACE,
    completion_of,
    expected_share,
    is_rate,
    is_stock_without_year_start,
    meets_target,
    points_from_target,
    progress_of,
    time_progress,
)
from targets.forecast import forecast_for, recent_trend_projection
from targets.forecast_figures import Forecast
from targets.models import StandingFigures, Status, Target

# Order used in summaries and charts: good news first.
STATUS_ORDER = [
    Status.DONE, Status.ON_TRACK, Status.BEHIND, Status.SERIOUSLY_BEHIND, Status.NOT_REPORTED, Status.NOT_DUE,
]
BEHIND_STATUSES = (Status.BEHIND, Status.SERIOUSLY_BEHIND)


def _lag_status(gap_points):
    if gap_points <= 0:
        return Status.ON_TRACK
    if gap_points > settings.STATUS_SERIOUS_LAG_POINTS:
        return Status.SERIOUSLY_BEHIND
    return Status.BEHIND


def status_for(target, value, month, earlier_values=None):
    """The status of `value`, the target's figure for `month`, judged at that month.

    `earlier_values` ({month: value} of approved earlier months) is needed only to judge a stock
    without a year-start figure by its trend; without it such a stock is 正常 until it is done.
    """
    if value is None:
        return Status.NOT_REPORTED
    if meets_target(target, value):
        return Status.DONE if not is_rate(target) or month == 12 else Status.ON_TRACK
    if is_stock_without_year_start(target):
        history = {m: v for m, v in (earlier_values or {}).items() if m < month}
        history[month] = value
        projected = recent_trend_projection(history)
        if projected is None or meets_target(target, projected[0]):
            return Status.ON_TRACK
        return _lag_status(HUNDRED - projected[0] * HUNDRED / target.value)
    return _lag_status(expected_share(target, month) - progress_of(target, value))


@dataclass(frozen=True)
class Standing(StandingFigures):
    target: Target
    month: int  # the month viewed
    value: Decimal | None
    value_month: int | None  # the month the value belongs to, judged at that month
    monthly_values: dict
    completion: Decimal | None  # None for rates (see points)
    points: Decimal | None  # rates: the latest figure less the target, in percentage points
    expected_share: Decimal  # at the month judged
    time_progress: Decimal  # at the month judged
    status: str
    forecast: Forecast | None
    due_month: int | None  # the latest month up to `month` in which the target is due
    missing_due_period: bool = False  # the latest period due has no approved value
    judged_by_trend: bool = False  # a stock without a year-start figure


def latest_value(monthly_values):
    """(month, value) of the latest of approved {month: value}; (None, None) when there is none."""
    value_month = max(monthly_values) if monthly_values else None
    return value_month, (monthly_values[value_month] if value_month else None)


def standing_for(target, month, monthly_values):
    """The standing of one target viewed at `month`, given its approved {month: value} up to then."""
    monthly_values = {m: v for m, v in sorted(monthly_values.items()) if m <= month}
    value_month, value = latest_value(monthly_values)
    due_month = target.latest_due_month(month)
    if value is None:
        status = Status.NOT_REPORTED if due_month else Status.NOT_DUE
    else:
        status = status_for(target, value, value_month, monthly_values)
    judged = value_month or due_month or month
    return Standing(
        target=target,
        month=month,
        value=value,
        value_month=value_month,
        monthly_values=monthly_values,
        completion=completion_of(target, value),
        points=points_from_target(target, value),
        expected_share=expected_share(target, judged).quantize(ONE_PLACE, ROUND_HALF_UP),
        time_progress=time_progress(judged),
        status=status,
        forecast=forecast_for(target, monthly_values),
        due_month=due_month,
        missing_due_period=due_month is not None and (value_month or 0) < due_month,
        judged_by_trend=is_stock_without_year_start(target),
    )


def count_by_status(standing_list):
    counts = {status: 0 for status in STATUS_ORDER}
    for standing in standing_list:
        counts[Status(standing.status)] += 1
    return counts
