"""What the period-wide messages report — the weekly bulletin, the leaders' monthly summary and the
quarterly coordination report — read once per run (content.py renders them, reports/notices/ prints
the bulletin and the quarterly summary as Word 通报 from the same contexts).

Every rule is someone else's: statuses are the stored standings (targets/), due dates and lateness
tasks/calendar.py's and tasks/reporting.py's (`submission_state`, `was_on_time`); this module only
selects and counts.

Past periods: the contexts read the data as they stand when the message is composed. A report's
state and the stored standings keep no history to rebuild a past day from, so a message composed
after its period's sending window (a re-run, a resend) says so: `stale_note` (以下为发送时的最新数据).
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from reports.assessment.rules import score_units
from reports.models import AssessmentRules, ReminderMessage
from reports.reminders.calendar import CATCH_UP_DAYS, month_period, send_date
from reports.reminders.recipients import reports_by_unit
from reports.workbook import build as workbook
from targets.models import Target, TargetValue
from targets.progress import BEHIND_STATUSES, STATUS_ORDER, count_by_status, standing_for
from targets.standing_queries import stored_standings_of, task_standings
from tasks import calendar
from tasks.calendar import due_date, local_today
from tasks.models import MonthlyReport
from tasks.reporting import SubmissionState, reporting_month_for, reporting_units, submission_state, was_on_time

Kind = ReminderMessage.Kind

#: The states of a month past its deadline that the bulletin lists as 逾期未报送.
OVERDUE_STATES = (SubmissionState.MISSING, SubmissionState.RETURNED)


def absolute(path):
    return settings.SITE_URL + path


def local_range(first_day, last_day):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first_day, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


# Wording ------------------------------------------------------------------------------------


def period_in_plan(plan, period):
    """The period as a sentence about the plan names it: without its year when the plan's title
    already says it (《2023年武汉市…》5月, not 2023年5月的2023年武汉市…)."""
    if f"{period.year}年" not in plan.title:
        return period.label
    if period.quarter:
        return _("第%(quarter)s季度") % {"quarter": period.quarter}
    if period.month:
        return _("%(month)s月") % {"month": period.month}
    first, last = period.first_day, period.last_day
    return _("第%(week)s周（%(first)s至%(last)s）") % {
        "week": period.first_day.isocalendar()[1],
        "first": _("%(month)s月%(day)s日") % {"month": first.month, "day": first.day},
        "last": _("%(month)s月%(day)s日") % {"month": last.month, "day": last.day},
    }


def stale_note(kind, period, plan, today=None):
    """'' when composed within the period's sending window (its send date and the catch-up days),
    else the sentence saying the figures are those of the day of sending (see the module's doc)."""
    today = today or local_today()
    scheduled = send_date(kind, period, plan)
    if today <= calendar.add_working_days(scheduled, CATCH_UP_DAYS):
        return ""
    return _("本期原定于%(scheduled)s发送；以下为发送时的最新数据（%(today)s）。") % {
        "scheduled": _("%(year)s年%(month)s月%(day)s日") % {
            "year": scheduled.year, "month": scheduled.month, "day": scheduled.day},
        "today": _("%(year)s年%(month)s月%(day)s日") % {"year": today.year, "month": today.month, "day": today.day},
    }


# Figures ------------------------------------------------------------------------------------


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


@dataclass
class OverdueMonth:
    month: int
    returned: bool  # returned by the bureau and not sent in again


@dataclass
class OverdueUnit:
    unit: object
    months: list = field(default_factory=list)


def overdue_units(plan, up_to_month, today):
    """[OverdueUnit] of units with a month past its deadline not sent in: never submitted (no report
    or a draft) or returned and not resubmitted (tasks.reporting.submission_state), in plan order."""
    months = [m for m in range(1, up_to_month + 1) if today > due_date(plan, m)]
    if not months:
        return []
    reports = {(r.unit_id, r.month): r for r in MonthlyReport.objects.filter(plan=plan, month__in=months)}
    result = []
    for unit in reporting_units(plan).order_by("position", "code"):
        late = []
        for month in months:
            state = submission_state(plan, month, reports.get((unit.pk, month)), today=today)
            if state in OVERDUE_STATES:
                late.append(OverdueMonth(month, state == SubmissionState.RETURNED))
        if late:
            result.append(OverdueUnit(unit, late))
    return result


def percent(part, whole):
    """part ÷ whole in percent to one decimal (half up), None when whole is 0."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class UnitTimeliness:
    unit: object
    on_time: int
    due: int
    late_months: list = field(default_factory=list)  # due and not sent in by the deadline
    rank: int = 0

    @property
    def rate(self):
        """On-time share in percent, one decimal (None with no month due)."""
        return percent(self.on_time, self.due)


def on_time_ranking(plan, months, today):
    """[UnitTimeliness] of every reporting unit over the `months` due by `today`: months sent in by
    their deadline (tasks.reporting.was_on_time) of months due, best first; equal rates share a rank
    (1, 1, 3), then plan order."""
    reports = {(r.unit_id, r.month): r for r in MonthlyReport.objects.filter(plan=plan, month__in=list(months))}
    rows = []
    for unit in reporting_units(plan).order_by("position", "code"):
        row = UnitTimeliness(unit, 0, 0)
        for month in months:
            report = reports.get((unit.pk, month))
            if submission_state(plan, month, report, today=today) == SubmissionState.NOT_DUE:
                continue
            row.due += 1
            if was_on_time(report):
                row.on_time += 1
            else:
                row.late_months.append(month)
        rows.append(row)
    rows.sort(key=lambda row: -(row.rate if row.rate is not None else -1))  # stable: plan order kept
    for index, row in enumerate(rows):
        previous = rows[index - 1] if index else None
        row.rank = previous.rank if previous and previous.rate == row.rate else index + 1
    return rows


def total_rate(ranking):
    """(on time, due, percent or None) summed over a ranking."""
    on_time = sum(row.on_time for row in ranking)
    due = sum(row.due for row in ranking)
    return on_time, due, percent(on_time, due)


def behind_standings(standing_list):
    return [s for s in standing_list if s.status in BEHIND_STATUSES]


def behind_tasks(plan, month):
    """The stored TaskStanding rows 滞后 or 严重滞后 at `month`, each with its task, in task order."""
    by_task = task_standings(plan, month)
    result = []
    for task in plan.tasks.order_by("number"):
        standing = by_task.get(task.pk)
        if standing is not None and standing.status in BEHIND_STATUSES:
            standing.task = task
            result.append(standing)
    return result


def _standings(plan, month):
    targets = Target.objects.filter(plan=plan).select_related("reporting_unit").order_by("position", "code")
    return stored_standings_of(targets, month)


def _status_counts(standing_list):
    counts = count_by_status(standing_list)
    return [{"code": s.value, "label": s.label, "count": counts[s]} for s in STATUS_ORDER]


# The contexts -------------------------------------------------------------------------------


def weekly_context(plan, period):
    start, end = local_range(period.first_day, period.last_day)
    as_of = period.last_day + datetime.timedelta(days=1)
    _year, month = reporting_month_for(as_of)  # the year is the plan's (see plan_for)
    reports = MonthlyReport.objects.filter(plan=plan).select_related("unit")
    submitted = list(reports.filter(submitted_at__gte=start, submitted_at__lt=end).order_by("submitted_at"))
    approved = list(
        reports.filter(status=MonthlyReport.Status.APPROVED, reviewed_at__gte=start, reviewed_at__lt=end)
        .order_by("reviewed_at")
    )
    standing_list = _standings(plan, month)
    ranking = on_time_ranking(plan, range(1, month + 1), as_of)
    return {
        "submitted": submitted,
        "approved": approved,
        "status_changes": status_changes(plan, month, start, end),
        "overdue_units": overdue_units(plan, month, as_of),
        "status_month": month_period(plan.year, month),
        "behind_targets": behind_standings(standing_list),
        "status_counts": _status_counts(standing_list),
        "target_count": len(standing_list),
        "ranking": ranking,
        "on_time_total": total_rate(ranking),
        "as_of": as_of,
        "period_in_plan": period_in_plan(plan, period),
        "link": absolute(reverse("overview")),
    }


def late_units(plan, month, today):
    """(units that sent `month` in after its deadline, units that have not sent it in by `today`
    though it is past due — never submitted or returned), each in plan order."""
    reports = reports_by_unit(plan, month)
    sent_late, not_sent = [], []
    for unit in reporting_units(plan).order_by("position", "code"):
        report = reports.get(unit.pk)
        state = submission_state(plan, month, report, today=today)
        if state in OVERDUE_STATES:
            not_sent.append({"unit": unit, "returned": state == SubmissionState.RETURNED})
        elif report and report.submitted_at and report.is_late:
            sent_late.append(unit)
    return sent_late, not_sent


def summary_context(plan, period):
    standing_list = _standings(plan, period.month)
    reports = reports_by_unit(plan, period.month)
    units = list(reporting_units(plan))
    states = {state: 0 for state in MonthlyReport.Status}
    for unit in units:
        report = reports.get(unit.pk)
        if report:
            states[MonthlyReport.Status(report.status)] += 1
    sent_late, not_sent = late_units(plan, period.month, local_today())
    approved, submitted = states[MonthlyReport.Status.APPROVED], states[MonthlyReport.Status.SUBMITTED]
    return {
        "status_counts": _status_counts(standing_list),
        "lagging": behind_standings(standing_list),
        "target_count": len(standing_list),
        "unit_count": len(units),
        "approved_count": approved,
        "submitted_count": submitted,
        "not_submitted_count": len(units) - approved - submitted,
        "sent_late": sent_late,
        "not_sent": not_sent,
        "deadline": due_date(plan, period.month),
        "period_in_plan": period_in_plan(plan, period),
        "link": absolute(reverse("overview")),
    }


def sheet_names(workbook_bytes):
    """The sheet names of a workbook, in order, as the recipient sees them in the attachment."""
    return load_workbook(BytesIO(workbook_bytes), read_only=True).sheetnames


def quarterly_context(plan, period, today=None):
    today = today or local_today()
    end_month = period.months[-1]
    items = list(workbook.coordination_items(plan, period.months))
    standing_list = _standings(plan, end_month)
    ranking = on_time_ranking(plan, period.months, today)
    return {
        "coordination_items": items,
        "open_items": [item for item in items if not item.coordination_closed],
        "status_counts": _status_counts(standing_list),
        "target_count": len(standing_list),
        "behind_targets": behind_standings(standing_list),
        "behind_tasks": behind_tasks(plan, end_month),
        "task_count": plan.tasks.count(),  # (behind_tasks reads them too; a plan has ~22)
        "ranking": ranking,
        "on_time_total": total_rate(ranking),
        "late_units": [row for row in ranking if row.due and row.on_time < row.due],
        # The quarter's 考核评比, as its page and the workbook's sheet rank it (reports/assessment/).
        "assessment": score_units(plan, period.months, AssessmentRules.current(), today)[0],
        "end_month": end_month,
        "as_of": today,
        "period_in_plan": period_in_plan(plan, period),
        "link": absolute(reverse("reports:index")),
    }
