"""The urging ladder's rules, tied to the reporting calendar (tasks/calendar.py) and the stored standings.

- A **催办单** goes to a unit whose report for the latest month past its deadline is overdue —
  submission_state MISSING, or RETURNED and not sent again — issued on the first working day after
  the deadline (the day of the overdue notice), or on the next working day the run is made.
- A **督办单** follows when that month is still overdue SUPERVISION_ESCALATE_AFTER_WORKING_DAYS
  working days after the 催办单 was issued (default 3: a 催办单 of Tuesday 6 June 2023 becomes a
  督办单 on Friday 9 June); the 催办单 is then 已升级. A 督办单 also goes to a target's reporting unit
  when the target's stored standing is 严重滞后 in the latest month past its deadline and in the
  month before it.
- Each notice's 办理期限 is as many working days after its issue. Nothing is issued on a
  non-working day; a notice exists once per (kind, unit, month or target) however often this runs.
"""

from django.conf import settings
from django.db.models import Count
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reports.models import UrgingNotice
from reports.reminders.calendar import plan_for_year
from reports.supervision import workflow
from targets.models import Status as TargetStatus
from targets.models import Target, TargetStanding
from tasks.calendar import add_working_days, due_date, is_working_day, local_today, month_before, reporting_month_for
from tasks.models import MonthlyReport
from tasks.reporting import SubmissionState, reporting_units, submission_state

Kind, Cause = UrgingNotice.Kind, UrgingNotice.Cause
OVERDUE_STATES = (SubmissionState.MISSING, SubmissionState.RETURNED)


def working_days_to_escalate():
    return settings.SUPERVISION_ESCALATE_AFTER_WORKING_DAYS


def deadline_for(issued_on):
    """A notice's 办理期限: the N-th working day after its issue."""
    return add_working_days(issued_on, working_days_to_escalate())


def supervise_on(urge):
    """The working day from which a 催办单 still overdue becomes a 督办单."""
    return add_working_days(urge.issued_on, working_days_to_escalate())


def latest_due_month(today):
    """(plan, month) of the latest month whose report deadline has passed by `today`, or (None, None)."""
    latest = reporting_month_for(today)
    for year, month in (latest, month_before(*latest)):
        plan = plan_for_year(year)
        if plan is not None and today > due_date(plan, month):
            return plan, month
    return None, None


def is_overdue(plan, month, report, today):
    """A unit's month is overdue: past its deadline with no report, a draft, or a report returned."""
    return today > due_date(plan, month) and submission_state(plan, month, report, today) in OVERDUE_STATES


def overdue_units(plan, month, today):
    reports = {r.unit_id: r for r in MonthlyReport.objects.filter(plan=plan, month=month)}
    return [
        unit for unit in reporting_units(plan).order_by("position", "code")
        if is_overdue(plan, month, reports.get(unit.pk), today)
    ]


def seriously_behind_targets(plan, month):
    """Targets whose stored standing is 严重滞后 at `month` and at the month before."""
    if month < 2:
        return Target.objects.none()
    twice = (
        TargetStanding.objects.filter(plan=plan, month__in=[month - 1, month], status=TargetStatus.SERIOUSLY_BEHIND)
        .values("target_id").annotate(months=Count("id")).filter(months=2).values("target_id")
    )
    return Target.objects.filter(pk__in=twice, reporting_unit__isnull=False).select_related("reporting_unit")


def _day(day):
    return date_format(day, "Y年n月j日")


def request_for(kind, cause, plan, month, deadline, target=None, urge=None):
    """What a notice asks (要求), in the words of the plan's 督促考核."""
    values = {"year": plan.year, "month": month, "deadline": _day(deadline),
              "target": target.name if target else "", "urge": urge.number if urge else "",
              "previous": month - 1 if month else ""}
    if cause == Cause.SERIOUSLY_BEHIND:
        return _("贵单位报送的指标“%(target)s”%(previous)s月、%(month)s月连续两个月严重滞后，请于%(deadline)s前"
                 "在本系统回复原因分析和下一步工作措施。") % values
    if kind == Kind.SUPERVISE:
        return _("贵单位%(year)s年%(month)s月工作进展经催办（%(urge)s）仍未报送，请于%(deadline)s前完成报送，"
                 "并在本系统回复未按时报送的原因和整改措施。") % values
    return _("贵单位%(year)s年%(month)s月工作进展已逾期未报送，请于%(deadline)s前完成报送，"
             "并在本系统签收本通知、回复办理情况。") % values


def escalate(urge, user, today, expected_version=None):
    """A 催办单 into a 督办单 issued `today` (by the run, or by staff from the notice page)."""
    deadline = deadline_for(today)
    request = request_for(Kind.SUPERVISE, urge.cause, urge.plan, urge.month, deadline, urge.target, urge)
    return workflow.escalate(urge, user, issued_on=today, deadline=deadline, request=request,
                             expected_version=expected_version)


def run(today=None):
    """Issue every notice due `today`: (the notices this run issued, the ids of their messages to queue)."""
    today = today or local_today()
    issued, message_ids = [], []

    def keep(result):
        notice, created, ids = result
        if created:
            issued.append(notice)
        message_ids.extend(ids)

    if not is_working_day(today):
        return issued, message_ids
    plan, month = latest_due_month(today)
    if plan is not None:
        deadline = deadline_for(today)
        for unit in overdue_units(plan, month, today):
            request = request_for(Kind.URGE, Cause.OVERDUE, plan, month, deadline)
            keep(workflow.issue(plan, Kind.URGE, unit, Cause.OVERDUE, issued_on=today, deadline=deadline,
                                month=month, request=request))
    urges = UrgingNotice.objects.open().filter(kind=Kind.URGE, cause=Cause.OVERDUE).select_related("plan", "unit")
    for urge in urges:
        report = MonthlyReport.objects.filter(plan=urge.plan, unit=urge.unit, month=urge.month).first()
        if today >= supervise_on(urge) and is_overdue(urge.plan, urge.month, report, today):
            keep(escalate(urge, None, today))
    if plan is not None:
        for target in seriously_behind_targets(plan, month):
            request = request_for(Kind.SUPERVISE, Cause.SERIOUSLY_BEHIND, plan, month, deadline, target)
            keep(workflow.issue(plan, Kind.SUPERVISE, target.reporting_unit, Cause.SERIOUSLY_BEHIND,
                                issued_on=today, deadline=deadline, month=month, target=target, request=request))
    return issued, message_ids
