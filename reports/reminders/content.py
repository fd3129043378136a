"""What each reminder says (recipients.py says who gets it; delivery.py records and sends them).

`compose(kind, period, recipient)` renders one recipient's email from templates/emails/, with the quarter's
coordination workbook attached to the quarterly report.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.emails import build_email
from reports.models import ReminderMessage
from reports.reminders.calendar import month_period, plan_for
from reports.reminders.recipients import reports_by_unit, units_not_submitted
from reports.workbook import build as workbook
from targets.models import Target, TargetValue
from targets.progress import STATUS_ORDER, Status, count_by_status, standing_for
from targets.standing_queries import stored_standings_of
from tasks.calendar import due_date
from tasks.models import MonthlyReport, TaskAssignment
from tasks.reporting import (
    SubmissionState,
    reporting_month_for,
    reporting_units,
    submission_state,
)
from units.models import Unit

Kind = ReminderMessage.Kind

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

    Compares each target's standing with and without the values of reports approved then; each is
    judged at its own value's month (targets/progress.py), so an unchanged figure never shows as a
    change because the month moved on.
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
        if target is None or unit_id != target.reporting_unit_id or not target.is_due_in(value_month):
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
    months = [m for m in range(1, up_to_month + 1) if today > due_date(plan, m)]
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


def _tasks_by_unit(plan, unit_ids):
    """{unit pk: [tasks]} as tasks_for_unit gives them (named directly or through a group), in bulk."""
    groups = {pk: [] for pk in unit_ids}
    for member_id, group_id in Unit.members.through.objects.filter(to_unit_id__in=unit_ids).values_list(
        "to_unit_id", "from_unit_id"
    ):
        groups[member_id].append(group_id)
    assigned = {}  # assigned unit pk → {task pk: task}
    wanted = set(unit_ids).union(*groups.values())
    for assignment in TaskAssignment.objects.filter(task__plan=plan, unit_id__in=wanted).select_related("task"):
        assigned.setdefault(assignment.unit_id, {})[assignment.task_id] = assignment.task
    result = {}
    for pk in unit_ids:
        tasks = {}
        for assigned_id in (pk, *groups[pk]):
            tasks.update(assigned.get(assigned_id, {}))
        result[pk] = sorted(tasks.values(), key=lambda task: task.number)  # unique in a plan
    return result


def _targets_by_unit(plan, unit_ids):
    """{unit pk: [targets]} as targets_for_unit gives them, in bulk."""
    result = {pk: [] for pk in unit_ids}
    for target in plan.targets.filter(reporting_unit_id__in=unit_ids).order_by("position", "code"):
        result[target.reporting_unit_id].append(target)
    return result


def unit_contexts(plan, period, units):
    """{unit pk: the unit's part of its notice, reminder or overdue email} for `units`.

    Four queries however many units: a run loads every unit it writes to at once instead of
    repeating the look-ups for each liaison (a unit often has several).
    """
    units = {unit.pk: unit for unit in units}
    if not units:
        return {}
    reports = {
        r.unit_id: r for r in MonthlyReport.objects.filter(plan=plan, month=period.month, unit_id__in=units)
    }
    tasks = _tasks_by_unit(plan, list(units))
    targets = _targets_by_unit(plan, list(units))
    deadline = due_date(plan, period.month)
    link = _absolute(reverse("reporting:my_unit"))
    contexts = {}
    for pk, unit in units.items():
        report = reports.get(pk)
        contexts[pk] = {
            "unit": unit,
            "deadline": deadline,
            "report": report,
            "report_state": report.get_status_display() if report else _("未填报"),
            "tasks": tasks[pk],
            "targets": targets[pk],
            "link": link,
        }
    return contexts


def _outstanding_context(plan, period):
    reports = reports_by_unit(plan, period.month)
    rows = []
    for unit in units_not_submitted(plan, period.month):
        report = reports.get(unit.pk)
        rows.append({"unit": unit, "state": report.get_status_display() if report else _("未填报")})
    return {
        "deadline": due_date(plan, period.month),
        "outstanding": rows,
        "unit_count": reporting_units(plan).count(),
        "link": _absolute(reverse("reporting:review")),
    }


def _summary_context(plan, period):
    targets = Target.objects.filter(plan=plan).select_related("reporting_unit").order_by("position", "code")
    standing_list = stored_standings_of(targets, period.month)
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
        "deadline": due_date(plan, period.month),
        "link": _absolute(reverse("overview")),
    }


def _quarterly_context(plan, period):
    items = list(workbook.coordination_items(plan, period.months))
    return {"coordination_items": items, "link": _absolute(reverse("reports:index"))}


def quarterly_attachment(plan, period):
    content = workbook.build_quarterly_workbook(plan, period.quarter)
    return (workbook.quarterly_filename(plan, period.quarter), content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class Composer:
    """Renders the emails of one kind and period, loading what they share once.

    The plan, the period-wide part (weekly, summary, quarterly, the staff's overdue list), the
    quarterly workbook and each unit's part are looked up on first use and kept for the
    composer's life: a run sends every message from the data as they stood when it began,
    instead of querying them again for each of its 200 recipients.
    """

    def __init__(self, kind, period, plan=None):
        self.kind = kind
        self.period = period
        self.plan = plan or plan_for(kind, period)
        self._shared = None
        self._units = {}
        self._attachments = None

    def preload_units(self, units):
        """Load the part of every unit in `units` not loaded yet, in one go (see unit_contexts)."""
        missing = {unit.pk: unit for unit in units if unit.pk not in self._units}
        self._units.update(unit_contexts(self.plan, self.period, missing.values()))

    def _part(self, recipient):
        kind, plan, period = self.kind, self.plan, self.period
        if kind in (Kind.WEEKLY, Kind.MONTHLY_SUMMARY, Kind.QUARTERLY) or recipient.unit is None:
            if self._shared is None:
                builder = {
                    Kind.WEEKLY: _weekly_context,
                    Kind.MONTHLY_SUMMARY: _summary_context,
                    Kind.QUARTERLY: _quarterly_context,
                }.get(kind, _outstanding_context)  # else the bureau staff's copy of the overdue list
                self._shared = builder(plan, period)
            return self._shared
        self.preload_units([recipient.unit])
        return self._units[recipient.unit.pk]

    def context(self, recipient):
        context = {
            "kind": self.kind,
            "kind_label": Kind(self.kind).label,
            "period": self.period,
            "plan": self.plan,
            "recipient": recipient,
        }
        context.update(self._part(recipient))
        return context

    def attachments(self):
        if self.kind != Kind.QUARTERLY:
            return []
        if self._attachments is None:
            self._attachments = [quarterly_attachment(self.plan, self.period)]
        return self._attachments

    def compose(self, recipient, with_attachments=True):
        """The EmailMultiAlternatives for one recipient."""
        return build_email(
            template_for(self.kind, recipient.unit is not None),
            self.context(recipient),
            [recipient.email],
            self.attachments() if with_attachments else [],
        )


# The returned notice -----------------------------------------------------------------------


def returned_code(report):
    """The "period" of a returned notice: the report and the version the return made (r12-v5),
    so each return or reopen is one message, sent once, and a later one is a new message."""
    return f"r{report.pk}-v{report.version}"


def compose_returned(row):
    """The email of a recorded returned notice, with the reason as it was at that version."""
    report_id, _sep, version = row.period.removeprefix("r").partition("-v")
    report = MonthlyReport.objects.select_related("plan", "unit").get(pk=int(report_id))
    at_return = report.history.filter(version=int(version)).order_by("-history_id").first() or report
    reopened = bool(at_return.reopen_reason)
    context = {
        "report": report, "unit": report.unit, "month": report.month, "year": report.plan.year,
        "reason": at_return.reopen_reason if reopened else at_return.return_reason, "reopened": reopened,
        "recipient": row.user, "pk": report.pk,
    }
    return build_email("report-returned", context, [row.recipient])


def context_for(kind, period, recipient, plan=None):
    return Composer(kind, period, plan).context(recipient)


def compose(kind, period, recipient, plan=None, with_attachments=True):
    """The EmailMultiAlternatives for one recipient (a Composer renders many)."""
    return Composer(kind, period, plan).compose(recipient, with_attachments)
