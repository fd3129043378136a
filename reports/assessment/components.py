"""The five components of the assessment (考核评比), each computed once here, for one unit and a period.

Each component is worth its weight (reports.models.AssessmentRules, set by staff; 30/20/20/20/10 by
default) and loses points only through events, each listed with what it cost and a link to the
report, target, task or notice behind it. A component never goes below 0. Points are kept exact and
rounded to one decimal (half up) per component; the total is the sum of the rounded components.

- 报送及时性 (timeliness): every month of the period whose deadline has passed (or already sent in)
  is worth weight ÷ months due. A month sent in by its moved deadline (tasks.reporting.was_on_time:
  a return after an on-time submission is quality, not timeliness) loses nothing; one sent in late
  keeps `late_credit_percent` of its share (a report sent again after a return is judged by its
  last submission, as submit_report sets is_late anew); one never sent in (未报送) keeps nothing.
- 报送完整性 (completeness): every item each due month asks for — a target due that month
  (Target.is_due_in, as tasks.reporting.targets_for_unit) and a task the unit reports on
  (tasks_for_unit: named directly or through a group) — is worth weight ÷ items; an item with no
  value or no progress in that month's report (as reporting.services.missing_items) loses its share.
- 报送质量 (quality): `return_points` per return of a report of the period (the history of
  MonthlyReport: a version 已退回 after one 已报送待审核 — a staff reopen is not a return) and
  `correction_points` per target value changed by bureau staff after the report was first submitted
  (the history of TargetValue: an edit or a restored version, reporting/services/corrections.py).
- 工作进展 (progress): at the period's last month whose deadline has passed (else its last month), the
  stored standings (targets.models.TargetStanding, TaskStanding) of the targets the unit reports
  (each counted 1) and of the tasks it is named for (a lead role counted `lead_task_weight`, a
  responsible one 1); 已完成 and 正常 earn their share, 滞后 `behind_credit_percent` of it,
  严重滞后 and 未报送 nothing; 未到报送期 does not count.
- 督办落实 (notices): `supervision_points` per 督办单 the unit received about a month of the period,
  and `overdue_supervision_points` more when it was not closed (已办结) by its 办理期限 — closed after
  it, or still open after it.

Everything is read in a fixed number of queries whatever the number of units (score_units).
"""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from reports.assessment.scores import HUNDRED, Component, ComponentScore, Event
from reports.models import UrgingNotice
from targets.models import Status as StandingStatus
from tasks.models import MonthlyReport, TaskAssignment
from tasks.reporting import SubmissionState, submission_state, was_on_time
from wuhan_plan.tables import Links

# A plan's assessment links each of a thousand events to its report, target, task or notice.
link = Links()


def _report_url(report):
    return link("reporting:report", report.pk) if report is not None else ""


def _month_words(month):
    return _("%(month)s月") % {"month": month}


def due_months(data, unit):
    """The months of the period a unit's report counts for: past the deadline, or already sent in
    (as tasks.on_time.timeliness counts them)."""
    return [
        month for month in data.months
        if submission_state(data.plan, month, data.reports.get((unit.pk, month)), data.today) != SubmissionState.NOT_DUE
    ]


def timeliness(data, unit, rules):
    score = ComponentScore(Component.TIMELINESS, Decimal(rules.timeliness_weight))
    months = due_months(data, unit)
    if not months:
        score.basis = _("本期尚无到期的报送。")
        return score
    share = score.full / len(months)
    late_loss = share * (HUNDRED - rules.late_credit_percent) / HUNDRED
    on_time = late = 0
    for month in months:
        report = data.reports.get((unit.pk, month))
        if was_on_time(report):
            on_time += 1
        elif report is not None and report.submitted_at:
            late += 1
            score.events.append(Event(_("%(month)s报送逾期") % {"month": _month_words(month)}, late_loss,
                                      _report_url(report)))
        else:
            score.events.append(Event(_("%(month)s逾期未报送") % {"month": _month_words(month)}, share,
                                      _report_url(report)))
    score.basis = _("应报送%(due)s个月：按时%(on_time)s个月，逾期%(late)s个月，未报送%(missing)s个月。") % {
        "due": len(months), "on_time": on_time, "late": late, "missing": len(months) - on_time - late}
    return score


def completeness(data, unit, rules):
    score = ComponentScore(Component.COMPLETENESS, Decimal(rules.completeness_weight))
    tasks = [task for task, _role in data.tasks_by_unit.get(unit.pk, [])]
    asked = []  # (month, report, [missing item codes], number of items asked)
    for month in due_months(data, unit):
        report = data.reports.get((unit.pk, month))
        targets = [t for t in data.targets_by_unit.get(unit.pk, []) if t.is_due_in(month)]
        report_id = report.pk if report is not None else None
        missing = [t.code for t in targets if (report_id, t.pk) not in data.valued]
        missing += [_("任务%(number)s") % {"number": t.number} for t in tasks if (report_id, t.pk) not in data.progressed]
        asked.append((month, report, missing, len(targets) + len(tasks)))
    total = sum(count for _month, _report, _missing, count in asked)
    if not total:
        score.basis = _("本期没有应填报的指标和任务。")
        return score
    share = score.full / total
    for month, report, missing, _count in asked:
        if missing:
            score.events.append(Event(
                _("%(month)s未填报%(count)s项：%(items)s") % {
                    "month": _month_words(month), "count": len(missing), "items": "、".join(missing)},
                share * len(missing), _report_url(report),
            ))
    filled = total - sum(len(missing) for _month, _report, missing, _count in asked)
    score.basis = _("应填报%(total)s项（指标数值与任务进展），已填报%(filled)s项。") % {"total": total, "filled": filled}
    return score


def returns_of(history_rows):
    """The history rows at which a report was returned: 已退回 straight after 已报送待审核."""
    returned = []
    for before, after in zip(history_rows, history_rows[1:], strict=False):
        if before.status == MonthlyReport.Status.SUBMITTED and after.status == MonthlyReport.Status.RETURNED:
            returned.append(after)
    return returned


def first_submitted_at(history_rows):
    for row in history_rows:
        if row.status == MonthlyReport.Status.SUBMITTED:
            return row.history_date
    return None


def quality(data, unit, rules):
    score = ComponentScore(Component.QUALITY, Decimal(rules.quality_weight))
    returns = corrections = 0
    for month in data.months:
        report = data.reports.get((unit.pk, month))
        if report is None:
            continue
        rows = data.report_history.get(report.pk, [])
        for row in returns_of(rows):
            returns += 1
            day = timezone.localtime(row.history_date).date()
            score.events.append(Event(
                _("%(month)s报送被退回（%(day)s）") % {"month": _month_words(month), "day": day.isoformat()},
                Decimal(rules.return_points), link("reporting:history", report.pk),
            ))
        submitted = first_submitted_at(rows)
        if submitted is None:
            continue
        corrected = {}
        for row in data.value_history.get(report.pk, []):
            if row.history_date > submitted:
                corrected.setdefault(row.id, row)
        for row in corrected.values():
            corrections += 1
            score.events.append(Event(
                _("%(month)s %(target)s 数值经审核人员更正") % {
                    "month": _month_words(month), "target": data.target_codes.get(row.target_id, "")},
                Decimal(rules.correction_points), link("reporting:history", report.pk),
            ))
    score.basis = _("退回%(returns)s次，审核更正%(corrections)s项。") % {"returns": returns, "corrections": corrections}
    return score


CREDIT_FULL = (StandingStatus.DONE, StandingStatus.ON_TRACK)
CREDIT_NONE = (StandingStatus.SERIOUSLY_BEHIND, StandingStatus.NOT_REPORTED)


def _credit(status, rules):
    """The share of an item's points its standing earns (None: not counted)."""
    if status in CREDIT_FULL:
        return Decimal(1)
    if status == StandingStatus.BEHIND:
        return Decimal(rules.behind_credit_percent) / HUNDRED
    if status in CREDIT_NONE:
        return Decimal(0)
    return None  # 未到报送期, or no stored standing


def progress(data, unit, rules):
    score = ComponentScore(Component.PROGRESS, Decimal(rules.progress_weight))
    items = []  # (weight, credit, wording, url)
    counted = {"targets": 0, "tasks": 0}
    for target in data.targets_by_unit.get(unit.pk, []):
        status = data.target_standings.get(target.pk)
        credit = _credit(status, rules)
        if credit is not None:
            counted["targets"] += 1
            items.append((Decimal(1), credit, f"{target.code} {target.name} {StandingStatus(status).label}",
                          link("targets:detail", target.pk)))
    for task, role in data.tasks_by_unit.get(unit.pk, []):
        status = data.task_standings.get(task.pk)
        credit = _credit(status, rules)
        if credit is None:
            continue
        counted["tasks"] += 1
        lead = role == TaskAssignment.Role.LEAD
        weight = Decimal(rules.lead_task_weight) if lead else Decimal(1)
        items.append((weight, credit, _("任务%(number)s %(title)s（%(role)s）%(status)s") % {
            "number": task.number, "title": task.title, "role": TaskAssignment.Role(role).label,
            "status": StandingStatus(status).label},
            link("tasks:detail", task.number) + f"?plan={data.plan.code}&month={data.judged_month}"))
    total = sum((weight for weight, _credit_, _text, _url in items), Decimal(0))
    if not total:
        score.basis = _("%(month)s没有可评价的指标和任务。") % {"month": _month_words(data.judged_month)}
        return score
    for weight, credit, text, url in items:
        if credit < 1:
            score.events.append(Event(text, score.full * weight * (1 - credit) / total, url))
    score.basis = _("按%(month)s的进展评价：指标%(targets)s项、任务%(tasks)s项（牵头任务计%(lead)s份，其余各计1份）。") % {
        "month": _month_words(data.judged_month), "targets": counted["targets"], "tasks": counted["tasks"],
        "lead": rules.lead_task_weight,
    }
    return score


def closed_on_time(notice, today):
    """A 督办单 closed (已办结) by its 办理期限; False once that day is past and it is not."""
    if notice.closed_at is not None and notice.status == UrgingNotice.Status.CLOSED:
        return timezone.localtime(notice.closed_at).date() <= notice.deadline
    return None if today <= notice.deadline else False


def notices(data, unit, rules):
    score = ComponentScore(Component.NOTICES, Decimal(rules.notices_weight))
    received = data.notices.get(unit.pk, [])
    late = 0
    for notice in received:
        url = link("supervision:detail", notice.pk)
        score.events.append(Event(_("%(number)s（%(cause)s）") % {
            "number": notice.number, "cause": notice.get_cause_display()}, Decimal(rules.supervision_points), url))
        if closed_on_time(notice, data.today) is False:
            late += 1
            score.events.append(Event(_("%(number)s 未按期办结") % {"number": notice.number},
                                      Decimal(rules.overdue_supervision_points), url))
    score.basis = _("收到督办单%(count)s件，未按期办结%(late)s件。") % {"count": len(received), "late": late}
    return score
