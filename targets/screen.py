"""What the command-room screen (/screen/) shows: the overview's own figures for a month, read by
the overview's own functions from the stored standings (nothing recomputed, no rule restated),
plus the month-by-month mix of statuses for its trend chart. A constant number of queries.
"""

from django.db.models import Count

from targets.dashboard import late_units, status_cards
from targets.models import Status, TargetStanding
from targets.standing_queries import likely_missed, overview_counts

LIKELY_MISSED_SHOWN = 8  # what fits the screen; the count says how many there are in all


def status_counts_by_month(plan, months):
    """{month: {Status: number of targets}} of the plan's stored target standings, one query."""
    counts = {month: {status: 0 for status in Status} for month in months}
    rows = (
        TargetStanding.objects.filter(plan=plan, target__plan=plan, month__in=list(months)).order_by()
        .values("month", "status").annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["month"]][Status(row["status"])] += row["n"]
    return counts


def screen_figures(plan, month, units):
    """The screen at `month`. `units`: the units that must report (tasks.reporting.reporting_units).

    {"targets": status cards, "target_total", "missing", "likely_missed_count", "tasks": status cards,
    "task_total", "behind_tasks": [(task, Status)], "late_units": [(unit, (state, label))],
    "likely_missed": [TargetStanding] (the first LIKELY_MISSED_SHOWN, plan order),
    "trend": [(month, status cards)] from January to `month`}.
    """
    counts = overview_counts(plan, month)
    trend = status_counts_by_month(plan, range(1, month + 1))
    return {
        "targets": status_cards(counts["targets"]),
        "target_total": sum(counts["targets"].values()),
        "missing": counts["missing"],
        "likely_missed_count": counts["likely_missed"],
        "tasks": status_cards(counts["tasks"]),
        "task_total": sum(counts["tasks"].values()),
        "behind_tasks": counts["behind_tasks"],
        "late_units": late_units(plan, month, units=units),
        "likely_missed": likely_missed(plan, month, LIKELY_MISSED_SHOWN),
        "trend": [(m, status_cards(trend[m])) for m in sorted(trend)],
    }
