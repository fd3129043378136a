"""A unit's on-time rate (按时报送率), defined once.

rate = months submitted by their (working-day-moved) deadline ÷ months whose deadline has passed,
counted over every month of the plan up to today — not over the months a page happens to draw. The
unit list, its heatmap and a unit's own page all show this one figure (targets.dashboard.submission_grid
calls `timeliness`), so 市经信局 reads the same rate wherever it appears. The quarterly workbook counts
a quarter's months with the same rule (`was_on_time`).
"""

from tasks.reporting import SubmissionState, submission_state, was_on_time

PLAN_MONTHS = range(1, 13)


def rate_text(on_time, due):
    """"92%" (whole per cent, rounded), or "" while no month is due."""
    return f"{on_time * 100 / due:.0f}%" if due else ""


def timeliness(plan, reports, today, months=PLAN_MONTHS):
    """The reporting record of one unit: `reports` is {month: MonthlyReport} (missing months absent).

    Counts the `months` (all of the plan's by default) whose deadline has passed by `today` (due):
    on_time (submitted by the deadline), late (submitted after it), missing, returned; and rate."""
    record = {"due": 0, "on_time": 0, "late": 0, "missing": 0, "returned": 0}
    for month in months:
        report = reports.get(month)
        state = submission_state(plan, month, report, today)
        if state == SubmissionState.NOT_DUE:
            continue
        record["due"] += 1
        if was_on_time(report):
            record["on_time"] += 1
        elif report and report.submitted_at:
            record["late"] += 1
        if state == SubmissionState.MISSING:
            record["missing"] += 1
        if state == SubmissionState.RETURNED:
            record["returned"] += 1
    record["rate"] = rate_text(record["on_time"], record["due"])
    return record
