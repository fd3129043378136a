"""A target's year-end forecast (预计全年), with its range and the monthly pace still needed.

One method per kind of target, each stated on the target's page in the words of `method_text`:

- cumulative flows and counts (年度累计), and projects the plan numbers (限定数量的项目): the
  pace so far carried to December along the target's expected path — a least-squares fit through
  zero, slope b = Σ sₖ·vₖ ÷ Σ sₖ² with sₖ the expected share of month k as a fraction;
- stocks with a year-start figure (年初基数) b₀: the same fit of the growth vₖ − b₀, added to b₀;
- stocks without one: the recent trend — the least-squares line through the last three reported
  months, carried from the latest value to December; a flat series stays flat;
- rates and shares: the latest figure, compared with the target in percentage points.

Rules every method keeps: a forecast needs two reported months; a stock or a running total never
ends below its latest value; a count of things is a whole number; once a count has reached its
target, the forecast is the latest value (nothing is extrapolated beyond it), and a project count
never passes the plan's number. The range (低–高) is the spread of what each reported month
implies on its own: month k's value carried along the path (vₖ ÷ sₖ), or for a trend the smallest
and largest month-to-month change. 还需月均 is (target − latest) ÷ the months left.
"""

from decimal import ROUND_HALF_UP, Decimal

from targets.expected_path import (
    HUNDRED,
    baseline_of,
    completion_of,
    counts_whole_things,
    expected_share,
    has_year_start,
    is_rate,
    is_stock_without_year_start,
    meets_target,
    points_from_target,
)
from targets.forecast_figures import TREND_MONTHS, Forecast, Method
from targets.models import Target

MIN_MONTHS = 2


def _precision(target):
    return Decimal(1) if counts_whole_things(target) else Decimal("0.01")


def recent_trend_projection(monthly_values):
    """(projection, low, high) at December from the last TREND_MONTHS reported months; None below two."""
    window = sorted(monthly_values.items())[-TREND_MONTHS:]
    if len(window) < MIN_MONTHS:
        return None
    months = [Decimal(m) for m, _v in window]
    values = [v for _m, v in window]
    mean_month = sum(months) / len(months)
    mean_value = sum(values) / len(values)
    slope = sum((m - mean_month) * (v - mean_value) for m, v in zip(months, values)) / sum(
        (m - mean_month) ** 2 for m in months
    )
    steps = [(window[i][1] - window[i - 1][1]) / (window[i][0] - window[i - 1][0]) for i in range(1, len(window))]
    latest_month, latest = window[-1]
    left = Decimal(12 - latest_month)
    return latest + slope * left, latest + min(steps) * left, latest + max(steps) * left


def _along_path(target, monthly_values):
    """(projection, low, high) of the least-squares fit through the path's start (see the module doc)."""
    base = baseline_of(target)
    numerator = denominator = Decimal(0)
    implied = []
    for month, value in monthly_values.items():
        share = expected_share(target, month) / HUNDRED
        if share <= 0:
            continue
        numerator += share * (value - base)
        denominator += share * share
        implied.append(base + (value - base) / share)
    if denominator == 0:
        return None
    return base + numerator / denominator, min(implied), max(implied)


def forecast_for(target, monthly_values):
    """The year-end forecast from {month: value} of the approved months so far, or None."""
    if len(monthly_values) < MIN_MONTHS:
        return None
    latest_month = max(monthly_values)
    latest = monthly_values[latest_month]
    months_left = 12 - latest_month
    if is_rate(target):
        values = list(monthly_values.values())
        return Forecast(
            value=latest, low=min(values), high=max(values), method=Method.LATEST_RATE,
            months_used=len(monthly_values), likely_missed=not meets_target(target, latest), completion=None,
            points=points_from_target(target, latest), pace_needed=None, months_left=months_left,
        )
    if counts_whole_things(target) and meets_target(target, latest):
        projected = low = high = latest
        method = Method.REACHED
    elif is_stock_without_year_start(target):
        projected, low, high = recent_trend_projection(monthly_values)
        method = Method.RECENT_TREND
    else:
        fitted = _along_path(target, monthly_values)
        if fitted is None:
            return None
        projected, low, high = fitted
        method = Method.YEAR_START_PATH if has_year_start(target) else Method.PACE
    precision = _precision(target)

    def bounded(number):
        if target.kind == Target.Kind.MILESTONE:
            number = min(number, max(target.value, latest))
        return max(number, latest).quantize(precision, ROUND_HALF_UP)

    projected, low, high = bounded(projected), bounded(low), bounded(high)
    pace = None
    if latest < target.value and months_left > 0:
        pace = ((target.value - latest) / months_left).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Forecast(
        value=projected, low=min(low, projected), high=max(high, projected), method=method,
        months_used=len(monthly_values), likely_missed=not meets_target(target, projected),
        completion=completion_of(target, projected), points=None, pace_needed=pace, months_left=months_left,
    )


def forecast_path(standing):
    """{month: value} of the forecast from the latest reported month to December, for the chart.

    The remaining distance (forecast − latest value) is spread over the months left in
    proportion to the target's expected share, so a seasonal target's projection follows
    its own profile; a linear target's projection is a straight line.
    """
    forecast = standing.forecast
    if forecast is None or standing.value_month is None or forecast.method == Method.LATEST_RATE:
        return {}
    target = standing.target
    start_month, start_value = standing.value_month, standing.value
    start_share = expected_share(target, start_month)
    remaining_share = HUNDRED - start_share
    path = {}
    for month in range(start_month, 13):
        if remaining_share <= 0:
            fraction = Decimal(1) if month == 12 else Decimal(0)
        else:
            fraction = (expected_share(target, month) - start_share) / remaining_share
        path[month] = (start_value + (forecast.value - start_value) * fraction).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
    return path
