"""Who gets each reminder and what it says (reports/reminders.py records and sends them).

`recipients_for(kind, period)` lists the recipients as the data stand now; `compose(kind,
period, recipient)` renders one recipient's email from templates/emails/, with the quarter's
coordination workbook attached to the quarterly report.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.emails import build_email
from reports.models import ReminderMessage
from reports.reminder_calendar import month_period, plan_for
from targets.models import Target, TargetValue
from targets.progress import STATUS_ORDER, Status, count_by_status, standing_for, standings
from tasks.models import MonthlyReport, deadline_for
from tasks.reporting import (
    SubmissionState,
    reporting_month_for,
    reporting_units,
    submission_state,
    targets_for_unit,
    tasks_for_unit,
)
from units.models import Membership, Unit

Kind = ReminderMessage.Kind

NOT_SUBMITTED = (None, MonthlyReport.Status.DRAFT, MonthlyReport.Status.RETURNED)


# Recipients ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    user: object = None
    unit: Unit | None = None


def _people(roles):
    memberships = (
        Membership.objects.filter(role__in=roles, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("role", "user__username")
    )
    return [Recipient(m.user.email, m.user.get_full_name() or m.user.username, user=m.user) for m in memberships]


def leaders():
    return _people([Membership.Role.LEADER])


def bureau_staff():
    return _people([Membership.Role.STAFF])


def leaders_and_staff():
    return _people([Membership.Role.LEADER, Membership.Role.STAFF])


def liaisons_of(units):
    """One Recipient per liaison of each unit, in the units' order; the unit mailbox as fallback."""
    units = list(units)
    by_unit = {unit.pk: [] for unit in units}
    memberships = (
        Membership.objects.filter(role=Membership.Role.LIAISON, unit__in=units, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__username")
    )
    for membership in memberships:
        user = membership.user
        by_unit[membership.unit_id].append(Recipient(user.email, user.get_full_name() or user.username, user=user))
    recipients = []
    for unit in units:
        people = by_unit[unit.pk] or ([Recipient(unit.email, unit.name)] if unit.email else [])
        recipients.extend(Recipient(p.email, p.name, user=p.user, unit=unit) for p in people)
    return recipients


def units_without_address(units):
    """Units that would get nothing: no liaison with an email and no unit mailbox."""
    addressed = {r.unit.pk for r in liaisons_of(units)}
    return [unit for unit in units if unit.pk not in addressed]


def reports_by_unit(plan, month):
    return {r.unit_id: r for r in MonthlyReport.objects.filter(plan=plan, month=month)}


def units_not_submitted(plan, month):
    """Reporting units whose report for `month` is missing, a draft, or returned: in plan order."""
    reports = reports_by_unit(plan, month)
    outstanding = []
    for unit in reporting_units(plan).order_by("position", "code"):
        report = reports.get(unit.pk)
        if (report.status if report else None) in NOT_SUBMITTED:
            outstanding.append(unit)
    return outstanding


def recipients_for(kind, period, plan=None):
    """Everyone who gets `kind` for `period`, as the data stands now."""
    plan = plan or plan_for(kind, period)
    if kind in (Kind.WEEKLY, Kind.QUARTERLY):
        return leaders_and_staff()
    if kind == Kind.MONTHLY_SUMMARY:
        return leaders()
    if kind == Kind.MONTHLY_NOTICE:
        return liaisons_of(reporting_units(plan).order_by("position", "code"))
    outstanding = units_not_submitted(plan, period.month)
    recipients = liaisons_of(outstanding)
    if kind == Kind.MONTHLY_OVERDUE and outstanding:
        recipients += bureau_staff()  # the copy with the list
    return recipients


# What each email says -----------------------------------------------------------------------


def template_for(kind, addressed_to_unit):
    if kind == Kind.MONTHLY_OVERDUE and not addressed_to_unit:
        return "monthly-overdue-staff"
    return {
        Kind.WEEKLY: "weekly-bulletin",
        Kind.MONTHLY_NOTICE: "monthly-notice",
        Kind.MONTHLY_REMINDER: "monthly-reminder",
        Kind.MONTHLY_OVERDUE: "monthly-overdue",
        Kind.MONTHLY_SUMMARY: "monthly-summary",
        Kind.QUARTERLY: "quarterly-coordination",
    }[kind]


def _absolute(path):
    return settings.SITE_URL + path


def _local_range(first_day, last_day):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first_day, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def status_changes(plan, month, start, end):
    """Targets whose status at `month` changed through reports approved in [start, end).

    Compares each target's standing with and without the values of reports approved then.
    """
    approved_now = list(
        TargetValue.objects.approved()
        .filter(target__plan=plan, month__lte=month)
        .values_list("target_id", "unit_id", "month", "value", "report__reviewed_at")
    )
    if not any(row[4] and start <= row[4] < end for row in approved_now):
        return []
    targets = {t.pk: t for t in Target.objects.filter(plan=plan).select_related("reporting_unit")}
    after = {pk: {} for pk in targets}
    before = {pk: {} for pk in targets}
    for target_id, unit_id, value_month, value, reviewed_at in approved_now:
        target = targets.get(target_id)
        if target is None or unit_id != target.reporting_unit_id:
            continue
        after[target_id][value_month] = value
        if not (reviewed_at and start <= reviewed_at < end):
            before[target_id][value_month] = value
    changes = []
    for pk, target in sorted(targets.items(), key=lambda item: (item[1].position, item[1].code)):
        old = standing_for(target, month, before[pk])
        new = standing_for(target, month, after[pk])
        if old.status != new.status:
            changes.append({"target": target, "before": old, "after": new})
    return changes


def overdue_units(plan, up_to_month, today):
    """[(unit, [months])] of units with a report past its deadline and not submitted."""
    months = [m for m in range(1, up_to_month + 1) if today > deadline_for(plan, m)]
    if not months:
        return []
    reports = {
        (r.unit_id, r.month): r for r in MonthlyReport.objects.filter(plan=plan, month__in=months)
    }
    result = []
    for unit in reporting_units(plan).order_by("position", "code"):
        missing = [
            m for m in months
            if submission_state(plan, m, reports.get((unit.pk, m)), today=today) == SubmissionState.MISSING
        ]
        if missing:
            result.append((unit, missing))
    return result


def _weekly_context(plan, period):
    start, end = _local_range(period.first_day, period.last_day)
    as_of = period.last_day + datetime.timedelta(days=1)
    _year, month = reporting_month_for(as_of)  # the year is the plan's (see plan_for)
    reports = MonthlyReport.objects.filter(plan=plan).select_related("unit")
    submitted = list(reports.filter(submitted_at__gte=start, submitted_at__lt=end).order_by("submitted_at"))
    approved = list(
        reports.filter(status=MonthlyReport.Status.APPROVED, reviewed_at__gte=start, reviewed_at__lt=end)
        .order_by("reviewed_at")
    )
    return {
        "submitted": submitted,
        "approved": approved,
        "status_changes": status_changes(plan, month, start, end),
        "overdue_units": overdue_units(plan, month, as_of),
        "status_month": month_period(plan.year, month),
        "link": _absolute(reverse("overview")),
    }


def _unit_context(plan, period, unit):
    report = MonthlyReport.objects.filter(plan=plan, unit=unit, month=period.month).first()
    return {
        "unit": unit,
        "deadline": deadline_for(plan, period.month),
        "report": report,
        "report_state": report.get_status_display() if report else _("未填报"),
        "tasks": list(tasks_for_unit(plan, unit)),
        "targets": list(targets_for_unit(plan, unit)),
        "link": _absolute(reverse("reporting:my_unit")),
    }


def _outstanding_context(plan, period):
    reports = reports_by_unit(plan, period.month)
    rows = []
    for unit in units_not_submitted(plan, period.month):
        report = reports.get(unit.pk)
        rows.append({"unit": unit, "state": report.get_status_display() if report else _("未填报")})
    return {
        "deadline": deadline_for(plan, period.month),
        "outstanding": rows,
        "unit_count": reporting_units(plan).count(),
        "link": _absolute(reverse("reporting:review")),
    }


def _summary_context(plan, period):
    targets = Target.objects.filter(plan=plan).select_related("reporting_unit").order_by("position", "code")
    standing_list = standings(targets, period.month)
    counts = count_by_status(standing_list)
    reports = reports_by_unit(plan, period.month)
    units = list(reporting_units(plan))
    states = {state: 0 for state in MonthlyReport.Status}
    for unit in units:
        report = reports.get(unit.pk)
        if report:
            states[MonthlyReport.Status(report.status)] += 1
    return {
        "status_counts": [{"code": s.value, "label": s.label, "count": counts[s]} for s in STATUS_ORDER],
        "lagging": [s for s in standing_list if s.status in (Status.BEHIND, Status.SERIOUSLY_BEHIND)],
        "target_count": len(standing_list),
        "unit_count": len(units),
        "approved_count": states[MonthlyReport.Status.APPROVED],
        "submitted_count": states[MonthlyReport.Status.SUBMITTED],
        "not_submitted_count": len(units) - states[MonthlyReport.Status.APPROVED] - states[MonthlyReport.Status.SUBMITTED],
        "deadline": deadline_for(plan, period.month),
        "link": _absolute(reverse("overview")),
    }


def _workbook_module():
    from reports import workbook  # written alongside this module (issue 5)

    return workbook


def _quarterly_context(plan, period):
    items = list(_workbook_module().coordination_items(plan, period.months))
    return {"coordination_items": items, "link": _absolute(reverse("reports:index"))}


def quarterly_attachment(plan, period):
    workbook = _workbook_module()
    content = workbook.build_quarterly_workbook(plan, period.quarter)
    return (workbook.quarterly_filename(plan, period.quarter), content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def context_for(kind, period, recipient, plan=None):
    plan = plan or plan_for(kind, period)
    context = {
        "kind": kind,
        "kind_label": Kind(kind).label,
        "period": period,
        "plan": plan,
        "recipient": recipient,
    }
    if kind == Kind.WEEKLY:
        context.update(_weekly_context(plan, period))
    elif kind == Kind.MONTHLY_SUMMARY:
        context.update(_summary_context(plan, period))
    elif kind == Kind.QUARTERLY:
        context.update(_quarterly_context(plan, period))
    elif recipient.unit is not None:
        context.update(_unit_context(plan, period, recipient.unit))
    else:  # the bureau staff's copy of the overdue list
        context.update(_outstanding_context(plan, period))
    return context


def compose(kind, period, recipient, plan=None, with_attachments=True):
    """The EmailMultiAlternatives for one recipient."""
    plan = plan or plan_for(kind, period)
    attachments = []
    if kind == Kind.QUARTERLY and with_attachments:
        attachments.append(quarterly_attachment(plan, period))
    return build_email(
        template_for(kind, recipient.unit is not None),
        context_for(kind, period, recipient, plan),
        [recipient.email],
        attachments,
    )
