"""A target's standing at a month: completion, time progress, status and year-end forecast.

The one source of truth for these figures: pages, tables, charts, Excel and emails all call
`standings()` (or `standing_for()`), never compute a status themselves.

Definitions (all percentages are 0–100):
- time progress (时间进度) at month m: the share of the year elapsed at the month's end, m/12;
- a target's expected share at month m: its monthly profile (cumulative %) if it has one,
  else the time progress; its expected value: baseline + (target − baseline) × share;
- completion (完成率): latest approved value ÷ target value;
- status: 未报送 without an approved value; 已完成 when the value meets the target under its
  comparison (不低于/达到: ≥ target; 左右: ≥ target less STATUS_ABOUT_TOLERANCE_PERCENT);
  otherwise 正常 when progress ≥ expected share, 滞后 when below, 严重滞后 when below by more
  than STATUS_SERIOUS_LAG_POINTS. Progress is (value − baseline) ÷ (target − baseline).
  Rates and shares are judged against the target value itself (expected share 100%), and
  count as 已完成 only in December: a year-to-date growth rate in May is on track, not done.
- forecast (预计全年), for stocks, cumulative flows and milestone counts: the months reported
  so far are fitted to the expected path by least squares through the baseline
  (slope b = Σ sₖ·pₖ ÷ Σ sₖ², with sₖ the expected share as a fraction and pₖ = valueₖ − baseline),
  and the year-end value is baseline + b: the pace so far carried to December along the
  target's own profile. It is never below the latest value reported. Later months weigh more (sₖ² grows), so a slow
  start that has caught up is not held against the target. Rates have no forecast. A stock without a
  year-start baseline (年初基数) is projected instead by the straight-line monthly trend of its reported
  values (least squares over (month, value)) read at December, and needs two months to be projected.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from targets.models import Target, TargetValue

HUNDRED = Decimal(100)
# Things counted one by one: a forecast of 4.98 facilities is shown as 5.
WHOLE_NUMBER_UNITS = {"家", "个", "名", "人", "项", "场", "件"}
ONE_PLACE = Decimal("0.1")


class Status(models.TextChoices):
    DONE = "done", _("已完成")
    ON_TRACK = "on_track", _("正常")
    BEHIND = "behind", _("滞后")
    SERIOUSLY_BEHIND = "seriously_behind", _("严重滞后")
    NOT_REPORTED = "not_reported", _("未报送")


# Order used in summaries and charts: good news first.
STATUS_ORDER = [Status.DONE, Status.ON_TRACK, Status.BEHIND, Status.SERIOUSLY_BEHIND, Status.NOT_REPORTED]


def time_progress(month):
    """Share of the year elapsed at the end of `month`, in percent."""
    return (Decimal(month) * HUNDRED / Decimal(12)).quantize(ONE_PLACE, ROUND_HALF_UP)


def expected_share(target, month):
    """The share of the year's work the target should have done by the end of `month`, in percent."""
    if target.kind == Target.Kind.RATE:
        return HUNDRED
    if target.monthly_profile:
        return Decimal(str(target.monthly_profile[month - 1]))
    return Decimal(month) * HUNDRED / Decimal(12)


def baseline_of(target):
    if target.kind == Target.Kind.STOCK and target.baseline is not None:
        return target.baseline
    return Decimal(0)


def expected_value_for(target, month):
    """Where the target should stand at the end of `month` on its expected path."""
    if target.kind == Target.Kind.RATE:
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
    if value is None:
        return None
    return (value * HUNDRED / target.value).quantize(ONE_PLACE, ROUND_HALF_UP)


def progress_of(target, value):
    """Progress towards the target in percent of the distance from the baseline."""
    base = baseline_of(target)
    span = target.value - base
    if span <= 0:
        return HUNDRED if value >= target.value else Decimal(0)
    return (value - base) * HUNDRED / span


def status_for(target, value, month):
    if value is None:
        return Status.NOT_REPORTED
    if meets_target(target, value):
        if target.kind != Target.Kind.RATE or month == 12:
            return Status.DONE
        return Status.ON_TRACK
    gap = expected_share(target, month) - progress_of(target, value)
    if gap <= 0:
        return Status.ON_TRACK
    if gap > settings.STATUS_SERIOUS_LAG_POINTS:
        return Status.SERIOUSLY_BEHIND
    return Status.BEHIND


@dataclass(frozen=True)
class Forecast:
    value: Decimal
    completion: Decimal
    likely_missed: bool
    months_used: int

    def statement(self, target):
        number = format_number(self.value)
        text = _("按当前进度预计年底可达 %(value)s%(unit)s（完成 %(completion)s%%）") % {
            "value": number,
            "unit": target.unit_of_measure,
            "completion": self.completion,
        }
        if self.likely_missed:
            text += _("，可能完不成目标")
        return text


def forecast_for(target, monthly_values):
    """Year-end forecast from {month: value} of the months reported so far (see the module doc)."""
    if target.kind == Target.Kind.RATE or not monthly_values:
        return None
    base = baseline_of(target)
    span = target.value - base
    latest_month = max(monthly_values)
    if target.kind == Target.Kind.STOCK and target.baseline is None:
        # No year-start figure: the stock did not start the year at zero, so fitting the path from
        # zero would overstate its growth many times. Carry the monthly trend instead.
        projected = _trend_to_december(monthly_values)
        if projected is None:
            return None
    else:
        numerator = denominator = Decimal(0)
        for month, value in monthly_values.items():
            share = expected_share(target, month) / HUNDRED
            numerator += share * (value - base)
            denominator += share * share
        if denominator == 0:
            return None
        projected = base + numerator / denominator
    if span <= 0:
        projected = monthly_values[latest_month]
    # A stock or a running total never ends the year below what is already reported.
    precision = Decimal(1) if target.unit_of_measure in WHOLE_NUMBER_UNITS else Decimal("0.01")
    projected = max(projected, monthly_values[latest_month]).quantize(precision, ROUND_HALF_UP)
    return Forecast(
        value=projected,
        completion=completion_of(target, projected),
        likely_missed=not meets_target(target, projected),
        months_used=len(monthly_values),
    )


def _trend_to_december(monthly_values):
    """Least-squares straight line through (month, value), read at December; None below two months."""
    if len(monthly_values) < 2:
        return None
    months = [Decimal(m) for m in monthly_values]
    values = list(monthly_values.values())
    mean_month = sum(months) / len(months)
    mean_value = sum(values) / len(values)
    slope = sum((m - mean_month) * (v - mean_value) for m, v in zip(months, values)) / sum(
        (m - mean_month) ** 2 for m in months
    )
    return mean_value + slope * (Decimal(12) - mean_month)


def format_number(value):
    """12400 → '12,400'; 11.50 → '11.5'."""
    if value is None:
        return ""
    normalized = value.quantize(Decimal("0.01"), ROUND_HALF_UP).normalize()
    if normalized == normalized.to_integral():
        return f"{int(normalized):,}"
    return f"{normalized:,f}"


@dataclass(frozen=True)
class Standing:
    target: Target
    month: int
    value: Decimal | None
    value_month: int | None
    monthly_values: dict
    completion: Decimal | None
    expected_share: Decimal
    time_progress: Decimal
    status: str
    forecast: Forecast | None

    @property
    def status_label(self):
        return Status(self.status).label

    @property
    def expected_value(self):
        return expected_value_for(self.target, self.month)


def approved_values_by_target(targets, month):
    """{target_id: {month: value}} of approved values of each target's reporting unit up to `month`.

    One query, whatever the number of targets and months.
    """
    targets = list(targets)
    by_target = {t.pk: {} for t in targets}
    reporting_unit = {t.pk: t.reporting_unit_id for t in targets}
    rows = (
        TargetValue.objects.approved()
        .filter(target_id__in=by_target.keys(), month__lte=month)
        # No ORDER BY: the rows go into dicts, and TargetValue's default ordering would join
        # target, plan and unit only to sort (the slowest part of this query on large plans).
        .order_by()
        .values_list("target_id", "unit_id", "month", "value")
    )
    for target_id, unit_id, value_month, value in rows:
        if unit_id == reporting_unit[target_id]:
            by_target[target_id][value_month] = value
    return by_target


def latest_value(monthly_values):
    """(month, value) of the latest of approved {month: value}; (None, None) when there is none."""
    value_month = max(monthly_values) if monthly_values else None
    return value_month, (monthly_values[value_month] if value_month else None)


def standing_for(target, month, monthly_values):
    """The standing of one target at `month`, given its approved {month: value} up to then."""
    value_month, value = latest_value(monthly_values)
    return Standing(
        target=target,
        month=month,
        value=value,
        value_month=value_month,
        monthly_values=dict(sorted(monthly_values.items())),
        completion=completion_of(target, value),
        expected_share=expected_share(target, month).quantize(ONE_PLACE, ROUND_HALF_UP),
        time_progress=time_progress(month),
        status=status_for(target, value, month),
        forecast=forecast_for(target, monthly_values),
    )


def standings(targets, month):
    """Standings of many targets at `month`, in the order given, with one query for the values."""
    targets = list(targets)
    values = approved_values_by_target(targets, month)
    return [standing_for(t, month, values[t.pk]) for t in targets]


def statuses(targets, month):
    """{target_id: status at `month`}: the status `standings` gives, without completion or forecast
    (for pages that show no figure of the targets)."""
    targets = list(targets)
    values = approved_values_by_target(targets, month)
    return {t.pk: status_for(t, latest_value(values[t.pk])[1], month) for t in targets}


def count_by_status(standing_list):
    counts = {status: 0 for status in STATUS_ORDER}
    for standing in standing_list:
        counts[Status(standing.status)] += 1
    return counts


def forecast_path(standing):
    """{month: value} of the forecast from the latest reported month to December, for the chart.

    The remaining distance (forecast − latest value) is spread over the months left in
    proportion to the target's expected share, so a seasonal target's projection follows
    its own profile; a linear target's projection is a straight line.
    """
    forecast = standing.forecast
    if forecast is None or standing.value_month is None:
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


# A task's status (任务状态) -------------------------------------------------------------------

SELF_STATUS_AS_STATUS = {
    "done": Status.DONE,
    "on_track": Status.ON_TRACK,
    "behind": Status.BEHIND,
}
# "时间过半、任务过半": a task still 未启动 after mid-year counts as behind.
NOT_STARTED_BEHIND_AFTER_MONTH = 6


def task_status(target_statuses, self_statuses, month):
    """A task's status at `month` from its targets' statuses and its units' latest self-assessments.

    `target_statuses`: the status of each of the task's targets (Status values);
    `self_statuses`: for each unit assigned to the task (groups expanded to their members), the
    self_status of its latest approved progress report up to `month`, or None when it has none.

    - 未报送 when nothing is reported: no target has an approved value and no unit an approved
      progress report;
    - 严重滞后 when any target is 严重滞后;
    - 滞后 when any target is 滞后, or any unit assesses itself 进度滞后, or still 未启动 after June;
    - 已完成 when every target is 已完成 and every unit assesses the task 已完成;
    - otherwise 正常. Parts not yet reported do not make a reported task 滞后: the unit shows as
      late on the reporting pages instead.
    """
    target_statuses = [Status(s) for s in target_statuses]
    parts = [s for s in target_statuses if s != Status.NOT_REPORTED]
    for self_status in self_statuses:
        if not self_status:
            continue
        if self_status == "not_started":
            parts.append(Status.BEHIND if month > NOT_STARTED_BEHIND_AFTER_MONTH else Status.ON_TRACK)
        else:
            parts.append(SELF_STATUS_AS_STATUS.get(self_status, Status.ON_TRACK))
    if not parts:
        return Status.NOT_REPORTED
    if Status.SERIOUSLY_BEHIND in parts:
        return Status.SERIOUSLY_BEHIND
    if Status.BEHIND in parts:
        return Status.BEHIND
    everything_reported = len(parts) == len(target_statuses) + len(self_statuses)
    if everything_reported and all(p == Status.DONE for p in parts):
        return Status.DONE
    return Status.ON_TRACK


def latest_self_statuses(plan, month, tasks=None):
    """{(task_id, unit_id): self_status} from each unit's latest approved progress report up to `month`.

    One query, whatever the number of tasks, units and months. `tasks` (optional) limits it to
    those tasks (a task's page needs only its own).
    """
    from tasks.models import MonthlyReport, ProgressReport

    rows = ProgressReport.objects.filter(
        report__plan=plan, report__status=MonthlyReport.Status.APPROVED, report__month__lte=month
    )
    if tasks is not None:
        rows = rows.filter(task__in=[getattr(t, "pk", t) for t in tasks])
    rows = (
        rows.order_by("report__month")
        .values_list("task_id", "report__unit_id", "self_status")
    )
    latest = {}
    for task_id, unit_id, self_status in rows:
        if self_status:
            latest[(task_id, unit_id)] = self_status
    return latest


def task_statuses(tasks, month, standing_by_target, self_statuses):
    """{task_id: Status} for tasks prefetched with `targets` and `assignments__unit__members`."""
    from tasks.reporting import units_assigned_to_task

    result = {}
    for task in tasks:
        target_statuses = [
            standing_by_target[t.pk].status for t in task.targets.all() if t.pk in standing_by_target
        ]
        units = units_assigned_to_task(task.assignments.all())
        unit_statuses = [self_statuses.get((task.pk, u.pk)) for u in units]
        result[task.pk] = task_status(target_statuses, unit_statuses, month)
    return result
