"""Reporting rules: who must report what each month, the state of a month, who may edit.

Defined once here and used by the pages, the Excel workbooks and the reminders. The dates
(reporting month, due date, lateness) are tasks/calendar.py's, re-exported here.
"""

from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from tasks.calendar import due_date, is_late, local_today, reporting_month_for  # noqa: F401  (re-exported)
from tasks.models import MonthlyReport, ReportingMonthClosure, Task, TaskAssignment
from units.access import editable_unit_ids, is_staff
from units.models import Unit


class SubmissionState(models.TextChoices):
    """A unit's month as the submission grid and the heatmap show it."""

    APPROVED = "approved", _("已审核")
    ON_TIME = "on_time", _("按时报送")
    LATE = "late", _("逾期报送")
    RETURNED = "returned", _("已退回")
    MISSING = "missing", _("未报送")
    NOT_DUE = "not_due", _("未到期")


def month_is_closed(plan, month):
    return ReportingMonthClosure.objects.filter(plan=plan, month=month).exists()


def units_assigned_to_task(task_assignments):
    """Expand group units (各区人民政府) into their members; keep the plan's order."""
    units = []
    seen = set()  # ids: `member in units` compared model instances one by one (quadratic)
    for assignment in task_assignments:
        unit = assignment.unit
        expanded = list(unit.members.all()) if unit.is_group else [unit]
        for member in expanded:
            if member.pk not in seen:
                seen.add(member.pk)
                units.append(member)
    return units


def reporting_unit_ids_sql(plan):
    """(sql, params) selecting the ids of every non-group unit that must report for `plan` each
    month: named on one of its tasks, a member of a group named on one, or a target's reporting unit.

    The rule's one definition, as SQL: every page reads it (the default month counts these units'
    approved reports), and the ORM took longer to build it than the database to run it.
    """
    unit, members = Unit._meta.db_table, Unit.members.through._meta.db_table
    assignment, task = TaskAssignment._meta.db_table, Task._meta.db_table
    target = plan.targets.model._meta.db_table
    named = f"SELECT a.unit_id FROM {assignment} a INNER JOIN {task} t ON a.task_id = t.id WHERE t.plan_id = %s"
    sql = (
        f"SELECT u.id FROM {unit} u WHERE u.kind <> %s AND (u.id IN ({named})"
        f" OR u.id IN (SELECT m.to_unit_id FROM {members} m WHERE m.from_unit_id IN ({named}))"
        f" OR u.id IN (SELECT g.reporting_unit_id FROM {target} g WHERE g.plan_id = %s))"
    )
    return sql, [Unit.Kind.GROUP.value, plan.pk, plan.pk, plan.pk]


def reporting_units(plan):
    """The units of `reporting_unit_ids_sql`, in the units' order. One query."""
    return Unit.objects.filter(pk__in=RawSQL(*reporting_unit_ids_sql(plan)))


def reporting_unit_ids(plan):
    """Ids of the units of `reporting_units`."""
    with connection.cursor() as cursor:
        cursor.execute(*reporting_unit_ids_sql(plan))
        return {row[0] for row in cursor.fetchall()}


def tasks_for_unit(plan, unit):
    """The tasks `unit` reports progress on: directly named, or through a group it belongs to."""
    unit_ids = [unit.pk, *unit.groups.values_list("pk", flat=True)]
    return plan.tasks.filter(assignments__unit_id__in=unit_ids).distinct().order_by("number")


def targets_for_unit(plan, unit, month=None):
    """The targets `unit` reports; with `month`, only those due that month (a quarterly figure
    is asked for in March, June, September and December). A city target whose figure its rule
    makes of its district shares' (targets/breakdown.py) is not asked of its own unit: the
    districts report theirs; under 不汇总 the unit still reports the city figure."""
    targets = plan.targets.filter(reporting_unit=unit)
    combined = plan.targets.filter(shares__isnull=False).exclude(share_rule=targets.model.ShareRule.NONE)
    targets = targets.exclude(pk__in=combined.values("pk"))
    if month is not None:
        targets = targets.filter(frequency__in=targets.model.frequencies_due_in(month))
    return targets.order_by("position", "code")


def submission_state(plan, month, report, today=None):
    """The state of a unit's month in the grid, given its MonthlyReport (or None)."""
    today = today or local_today()
    status = report.status if report else None
    if status == MonthlyReport.Status.APPROVED:
        return SubmissionState.APPROVED
    if status == MonthlyReport.Status.RETURNED:
        return SubmissionState.RETURNED
    if status == MonthlyReport.Status.SUBMITTED:
        return SubmissionState.LATE if report.is_late else SubmissionState.ON_TIME
    if today > due_date(plan, month):
        return SubmissionState.MISSING
    return SubmissionState.NOT_DUE


def shown_timeliness(state, report):
    """(state, label) of a unit's month where timeliness is the point (the heatmap, the workbook's
    报送情况): a report submitted late keeps saying so once approved or returned — 已审核·逾期 —
    and an approved late month is drawn as late."""
    label = str(state.label)
    if report is not None and report.is_late and state in (SubmissionState.APPROVED, SubmissionState.RETURNED):
        label = _("%(state)s·逾期") % {"state": label}
        if state == SubmissionState.APPROVED:
            return SubmissionState.LATE, label
    return state, label


def was_on_time(report):
    """For on-time rates: a month counts as on time when it was submitted by the deadline.

    A report returned after an on-time submission still counts (a return is a matter of quality,
    counted as such, not of timeliness); sent again after the deadline, it is late (submit_report
    sets submitted_at and is_late anew)."""
    return bool(report and report.submitted_at and not report.is_late)


def plan_takes_reports(plan):
    """Only a published plan takes reports; a draft is still being written by staff."""
    return plan.is_published


def draft_plan_message(plan):
    return _("“%(title)s”尚未发布，不接受报送。") % {"title": plan.title}


def can_edit_report(user, report):
    """Whether `user` may change the values and progress in `report` now."""
    if not plan_takes_reports(report.plan):
        return False
    if report.status in (MonthlyReport.Status.SUBMITTED, MonthlyReport.Status.APPROVED):
        return False
    if month_is_closed(report.plan, report.month):
        return False
    if is_staff(user):
        return True
    return report.unit_id in editable_unit_ids(user)


def can_submit_report(user, report):
    return report.status in (MonthlyReport.Status.DRAFT, MonthlyReport.Status.RETURNED) and can_edit_report(
        user, report
    )
