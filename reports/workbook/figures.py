"""What the quarterly workbook is about: the quarter's months, its 需市级协调 items and
`QuarterData`, everything the sheets show, read with a fixed number of queries."""

import calendar
import datetime

from django.db.models import Prefetch, Q

from reports.models import LeaderInstruction, UrgingNotice
from targets.progress import count_by_status
from targets.standing_queries import stored_standings_of
from tasks.models import MonthlyReport, ProgressReport, TaskAssignment
from tasks.reporting import (
    SubmissionState,
    local_today,
    reporting_units,
    submission_state,
    was_on_time,
)

# Reports whose narrative may go to the meeting: sent in by the unit (a draft is still being written).
VISIBLE_REPORT_STATUSES = (MonthlyReport.Status.SUBMITTED, MonthlyReport.Status.APPROVED)


def quarter_months(quarter):
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1–4, not {quarter!r}")
    return [3 * quarter - 2, 3 * quarter - 1, 3 * quarter]


def coordination_items(plan, months):
    """The 需市级协调 items of `months`: flagged progress reports from submitted or approved reports.

    A list of ProgressReport (with report, unit and task loaded), by month, unit and task.
    """
    return list(
        ProgressReport.objects.filter(
            report__plan=plan,
            report__month__in=list(months),
            report__status__in=VISIBLE_REPORT_STATUSES,
            needs_coordination=True,
        )
        .select_related("report", "report__unit", "task")
        .order_by("report__month", "report__unit__position", "report__unit__code", "task__number")
    )



def quarter_dates(plan, months):
    """(first day, last day) of `months` in the plan's year."""
    last = months[-1]
    return datetime.date(plan.year, months[0], 1), datetime.date(plan.year, last, calendar.monthrange(plan.year, last)[1])


def quarter_instructions(plan, months):
    """The leaders' instructions given in the quarter and those still open (carried from earlier
    quarters until closed), oldest first, with their item, leader and units' replies loaded."""
    first, last = quarter_dates(plan, months)
    return list(
        LeaderInstruction.objects.filter(plan=plan)
        .filter(Q(instructed_on__range=(first, last)) | ~Q(status=LeaderInstruction.Status.DONE))
        .select_related("leader", "task", "target", "matter__report__unit", "matter__task", "notice__plan")
        .prefetch_related("assignments__unit")
        .order_by("instructed_on", "pk")
    )


def quarter_notices(plan, months):
    """The urging notices issued in the quarter and those still open, by issue date and number."""
    first, last = quarter_dates(plan, months)
    return list(
        UrgingNotice.objects.filter(plan=plan)
        .filter(Q(issued_on__range=(first, last)) | Q(status__in=UrgingNotice.OPEN_STATUSES))
        .select_related("plan", "unit", "target")
        .order_by("issued_on", "kind", "serial")
    )

def _target_queryset(plan):
    return (
        plan.targets.select_related("goal_section", "reporting_unit")
        .prefetch_related(
            Prefetch("tasks", queryset=plan.tasks.select_related("section").order_by("number")),
            Prefetch(
                "tasks__assignments",
                queryset=TaskAssignment.objects.filter(role=TaskAssignment.Role.LEAD).select_related("unit"),
                to_attr="lead_assignments",
            ),
        )
        .order_by("position", "code")
    )


class QuarterData:
    """Everything the seven sheets need, read with a fixed number of queries."""

    def __init__(self, plan, quarter, today=None):
        self.plan = plan
        self.quarter = quarter
        self.months = quarter_months(quarter)
        self.end_month = self.months[-1]
        self.today = today or local_today()
        self.targets = list(_target_queryset(plan))
        self.standings = stored_standings_of(self.targets, self.end_month)
        self.counts = count_by_status(self.standings)
        self.coordination = coordination_items(plan, self.months)
        self.units = list(reporting_units(plan).order_by("position", "code"))
        self.reports = {
            (r.unit_id, r.month): r
            for r in MonthlyReport.objects.filter(plan=plan, month__in=self.months)
        }
        self.instructions = quarter_instructions(plan, self.months)
        self.notices = quarter_notices(plan, self.months)

    def on_time(self, unit):
        """(months on time, months due) of the quarter for `unit`."""
        due = on_time = 0
        for month in self.months:
            report = self.reports.get((unit.pk, month))
            state = submission_state(self.plan, month, report, today=self.today)
            if state == SubmissionState.NOT_DUE:
                continue
            due += 1
            on_time += was_on_time(report)
        return on_time, due
