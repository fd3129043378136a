"""What the assessment reads, loaded once for every unit of the plan (a fixed number of queries)."""

from dataclasses import dataclass

from reports.models import UrgingNotice
from targets.models import TargetStanding, TargetValue, TaskStanding
from targets.task_status import units_with_roles
from tasks.calendar import due_date, local_today
from tasks.models import MonthlyReport, ProgressReport, TaskAssignment
from tasks.reporting import reporting_units
from units.access import is_staff


@dataclass
class AssessmentData:
    """What the rules read, loaded once for every unit of the plan (a fixed number of queries)."""

    plan: object
    months: tuple
    judged_month: int
    today: object
    units: list
    reports: dict  # {(unit_id, month): MonthlyReport}
    targets_by_unit: dict  # {unit_id: [Target]} in plan order
    tasks_by_unit: dict  # {unit_id: [(Task, role)]} in task order
    valued: set  # {(report_id, target_id)}
    progressed: set  # {(report_id, task_id)}
    report_history: dict  # {report_id: [history rows, oldest first]}
    value_history: dict  # {report_id: [TargetValue history rows by bureau staff, oldest first]}
    target_standings: dict  # {target_id: status}
    task_standings: dict  # {task_id: status}
    notices: dict  # {unit_id: [UrgingNotice 督办单]}
    target_codes: dict  # {target_id: code}

    @property
    def any_month_due(self):
        """Whether a month of the period is past its deadline (before that, only early reports count)."""
        return any(self.today > due_date(self.plan, month) for month in self.months)


def judged_month(plan, months, today):
    """The month progress is judged at: the period's last month past its deadline, else its last."""
    due = [month for month in months if today > due_date(plan, month)]
    return max(due) if due else months[-1]


def load(plan, months, today=None):
    today = today or local_today()
    months = tuple(months)
    month = judged_month(plan, months, today)
    units = list(reporting_units(plan).order_by("position", "code"))
    reports = {
        (r.unit_id, r.month): r for r in MonthlyReport.objects.filter(plan=plan, month__in=months).order_by()
    }
    targets_by_unit = {}
    for target in plan.targets.order_by("position", "code"):
        targets_by_unit.setdefault(target.reporting_unit_id, []).append(target)
    assignments = (
        TaskAssignment.objects.filter(task__plan=plan).select_related("task", "unit")
        .prefetch_related("unit__members").order_by("task__number", "role", "position")
    )
    by_task = {}
    for assignment in assignments:
        by_task.setdefault(assignment.task_id, []).append(assignment)
    tasks_by_unit = {}
    for task_assignments in by_task.values():
        task = task_assignments[0].task
        units_and_roles, _empty = units_with_roles(task_assignments)  # groups expanded, lead first
        for unit, role in units_and_roles:
            tasks_by_unit.setdefault(unit.pk, []).append((task, role))
    valued = set(TargetValue.objects.filter(report__plan=plan, report__month__in=months)
                 .order_by().values_list("report_id", "target_id"))
    progressed = set(ProgressReport.objects.filter(report__plan=plan, report__month__in=months)
                     .order_by().values_list("report_id", "task_id"))
    report_history = {}
    for row in (MonthlyReport.history.filter(plan_id=plan.pk, month__in=months)
                .order_by("id", "history_date", "history_id")):
        report_history.setdefault(row.id, []).append(row)
    value_history = {}
    for row in (TargetValue.history.filter(target__plan=plan, month__in=months)
                .select_related("history_user__membership").order_by("history_date", "history_id")):
        if row.history_user is not None and is_staff(row.history_user):
            value_history.setdefault(row.report_id, []).append(row)
    target_standings = dict(TargetStanding.objects.filter(plan=plan, month=month).values_list("target_id", "status"))
    task_standings = dict(TaskStanding.objects.filter(plan=plan, month=month).values_list("task_id", "status"))
    notices = {}
    for notice in (UrgingNotice.objects.filter(plan=plan, kind=UrgingNotice.Kind.SUPERVISE, month__in=months)
                   .select_related("plan", "target").order_by("serial")):
        notices.setdefault(notice.unit_id, []).append(notice)
    return AssessmentData(
        plan=plan, months=months, judged_month=month, today=today, units=units, reports=reports,
        targets_by_unit=targets_by_unit, tasks_by_unit=tasks_by_unit, valued=valued, progressed=progressed,
        report_history=report_history, value_history=value_history, target_standings=target_standings,
        task_standings=task_standings, notices=notices,
        target_codes={t.pk: t.code for unit_targets in targets_by_unit.values() for t in unit_targets},
    )
