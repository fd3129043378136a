"""What each reminder says (recipients.py says who gets it; delivery.py records and sends them).

`compose(kind, period, recipient)` renders one recipient's email from templates/emails/, greeting the
person by name and unit; the weekly bulletin comes with its Word 通报 (reports/notices/), the
quarterly report with the quarter's coordination workbook and its Word 通报. What the period-wide
messages report is read in bulletins.py.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from reports import notices
from reports.emails import build_email
from reports.models import ReminderMessage
from reports.reminders.bulletins import (  # noqa: F401  (status_changes, overdue_units: part of this module's API)
    absolute,
    overdue_units,
    period_in_plan,
    quarterly_context,
    sheet_names,
    stale_note,
    status_changes,
    summary_context,
    weekly_context,
)
from reports.reminders.calendar import plan_for
from reports.reminders.recipients import (
    Recipient,
    greeting_name,
    reports_by_unit,
    unit_names_of,
    units_not_submitted,
)
from reports.workbook import build as workbook
from tasks.calendar import due_date
from tasks.models import MonthlyReport, TaskAssignment
from tasks.reporting import reporting_units
from units.models import Membership, Unit

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
    link = absolute(reverse("reporting:my_unit"))
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
        "link": absolute(reverse("reporting:review")),
    }


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def quarterly_attachment(plan, period):
    content = workbook.build_quarterly_workbook(plan, period.quarter)
    return (workbook.quarterly_filename(plan, period.quarter), content, XLSX)


def notice_attachment(kind, plan, period, context):
    """The Word 通报 of a weekly bulletin or quarterly report, built from the email's own context."""
    if kind == Kind.WEEKLY:
        return (notices.weekly_filename(period), notices.weekly_notice(plan, period, context), notices.DOCX)
    return (notices.quarterly_filename(plan, period), notices.quarterly_notice(plan, period, context), notices.DOCX)


SHARED_CONTEXTS = {
    Kind.WEEKLY: weekly_context,
    Kind.MONTHLY_SUMMARY: summary_context,
    Kind.QUARTERLY: quarterly_context,
}


class Composer:
    """Renders the emails of one kind and period, loading what they share once.

    The plan, the period-wide part (weekly, summary, quarterly, the staff's overdue list), the
    attachments (the quarterly workbook, the Word 通报) and each unit's part are looked up on
    first use and kept for the composer's life: a run sends every message from the data as they
    stood when it began, instead of querying them again for each of its 200 recipients.
    """

    def __init__(self, kind, period, plan=None):
        self.kind = kind
        self.period = period
        self.plan = plan or plan_for(kind, period)
        self._shared = None
        self._units = {}
        self._attachments = None
        self._unit_names = None

    def preload_units(self, units):
        """Load the part of every unit in `units` not loaded yet, in one go (see unit_contexts)."""
        missing = {unit.pk: unit for unit in units if unit.pk not in self._units}
        self._units.update(unit_contexts(self.plan, self.period, missing.values()))

    def shared(self):
        """The period-wide part (the same for every recipient), with the re-run note."""
        if self._shared is None:
            builder = SHARED_CONTEXTS.get(self.kind, _outstanding_context)  # else the staff's overdue list
            self._shared = builder(self.plan, self.period)
            self._shared["stale_note"] = stale_note(self.kind, self.period, self.plan)
            if self.kind == Kind.WEEKLY:
                self._shared["notice_filename"] = notices.weekly_filename(self.period)
            if self.kind == Kind.QUARTERLY:
                self._shared["notice_filename"] = notices.quarterly_filename(self.plan, self.period)
                workbook_name, workbook_bytes, _mimetype = self.attachments()[0]
                self._shared["workbook_filename"] = workbook_name
                self._shared["sheet_names"] = sheet_names(workbook_bytes)  # every sheet, as attached
        return self._shared

    def _part(self, recipient):
        if self.kind in SHARED_CONTEXTS or recipient.unit is None:
            return self.shared()
        self.preload_units([recipient.unit])
        return self._units[recipient.unit.pk]

    def greeting(self, recipient):
        """张科员（市科技局）: staff's and leaders' units read once per composer (one query)."""
        if recipient.user is not None and recipient.unit is None and self._unit_names is None:
            self._unit_names = unit_names_of(
                Membership.objects.filter(role__in=[Membership.Role.STAFF, Membership.Role.LEADER])
                .values_list("user_id", flat=True)
            )
        return greeting_name(recipient, self._unit_names)

    def context(self, recipient):
        context = {
            "kind": self.kind,
            "kind_label": Kind(self.kind).label,
            "period": self.period,
            "plan": self.plan,
            "period_in_plan": period_in_plan(self.plan, self.period),
            "recipient": recipient,
            "greeting": self.greeting(recipient),
        }
        context.update(self._part(recipient))
        return context

    def attachments(self):
        """The quarterly workbook and the Word 通报 (quarterly), the Word 通报 (weekly), else none."""
        if self.kind not in (Kind.WEEKLY, Kind.QUARTERLY):
            return []
        if self._attachments is None:
            self._attachments = []
            if self.kind == Kind.QUARTERLY:
                self._attachments.append(quarterly_attachment(self.plan, self.period))
            self._attachments.append(notice_attachment(self.kind, self.plan, self.period, self.shared()))
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
        "greeting": greeting_name(Recipient(row.recipient, report.unit.name, user=row.user, unit=report.unit)),
    }
    return build_email("report-returned", context, [row.recipient])


def context_for(kind, period, recipient, plan=None):
    return Composer(kind, period, plan).context(recipient)


def compose(kind, period, recipient, plan=None, with_attachments=True):
    """The EmailMultiAlternatives for one recipient (a Composer renders many)."""
    return Composer(kind, period, plan).compose(recipient, with_attachments)
