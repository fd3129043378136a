"""What the dashboard pages share: the plan shown, the page context, reporting timeliness.

Only approved figures count on these pages; the figures themselves are stored standings
(targets/standing_queries.py).
"""

from django.http import Http404
from django.utils.translation import gettext as _

from targets.asof import PLAN_PARAMETER
from targets.models import Status
from targets.standing_queries import open_coordination
from tasks import on_time
from tasks.models import MonthlyReport, Plan
from tasks.on_time import PLAN_MONTHS
from tasks.reporting import SubmissionState, local_today, reporting_units, submission_state


def current_plan(request=None):
    """The plan a dashboard page shows: `?plan=<code>` among the published plans, else the current one
    (`Plan.current()`: the newest published). One query, which also gives the header's year switcher
    its choices (`request.published_plans`); a draft or unknown code is a 404."""
    plans = list(Plan.objects.published().order_by("-year", "code"))
    if not plans:
        raise Http404(_("尚未导入工作要点。"))
    if request is None:
        return plans[0]
    request.published_plans = plans
    code = request.GET.get(PLAN_PARAMETER, "").strip()
    if not code:
        return plans[0]
    for plan in plans:
        if plan.code == code:
            return plan
    raise Http404(_("没有该年度已发布的工作要点。"))


def status_cards(counts):
    """The status counters at the top of a page, in the order of `Status`."""
    return [{"code": s.value, "label": s.label, "count": counts[s]} for s in Status]


def page_context(request, plan, as_of, **extra):
    """What every dashboard page shows: the plan and the month picker (keeping the other parameters)."""
    keep = [(k, v) for k, values in request.GET.lists() if k not in ("month", "export") for v in values]
    year_keep = [(k, v) for k, v in keep if k not in (PLAN_PARAMETER, "page")]  # a new year: its default month
    return {
        "plan": plan, "as_of": as_of, "keep_params": keep,
        "year_choices": getattr(request, "published_plans", ()), "year_keep_params": year_keep, **extra,
    }


def submission_grid(plan, units, months, today=None, rate_months=PLAN_MONTHS):
    """The reporting record of `units` over `months`, from one query of reports.

    Returns ({(unit_id, month): (state, label)}, {unit_id: timeliness}). An approved or returned
    month that was submitted late says so in its label, and an approved one is coloured as late.
    Timeliness is `tasks.on_time.timeliness` over `rate_months` — every month of the plan to date,
    whichever months the page draws, so every page shows a unit's one on-time rate.
    """
    unit_ids = [u.pk for u in units]
    reports = {
        (r.unit_id, r.month): r
        for r in MonthlyReport.objects.filter(
            plan=plan, unit_id__in=unit_ids, month__in=sorted({*months, *rate_months})
        )
        # Only what the states need, as plain rows (no model per report), and no ORDER BY (the
        # default ordering joins plan and unit).
        .values_list("unit_id", "month", "status", "is_late", "submitted_at", named=True)
        .order_by()
    }
    today = today or local_today()  # once, not once per cell
    labels = {state: str(state.label) for state in SubmissionState}
    late_label = _("%(state)s·逾期")
    grid, timeliness = {}, {}
    for unit in units:
        for month in months:
            report = reports.get((unit.pk, month))
            state = submission_state(plan, month, report, today)
            label = labels[state]  # a SubmissionState: its own key
            shown = state
            if report and report.is_late and state in (SubmissionState.APPROVED, SubmissionState.RETURNED):
                label = late_label % {"state": label}
                if state == SubmissionState.APPROVED:
                    shown = SubmissionState.LATE  # a timeliness map: late stays visible after approval
            grid[(unit.pk, month)] = (shown, label)
        own = {month: reports[(unit.pk, month)] for month in rate_months if (unit.pk, month) in reports}
        timeliness[unit.pk] = on_time.timeliness(plan, own, today, rate_months)
    return grid, timeliness


def late_units(plan, month, today=None, units=None):
    """Units that must report (`units`, if the page has them already) and, for `month`, submitted
    after the deadline or not at all by it."""
    units = list(reporting_units(plan)) if units is None else units
    grid, timeliness = submission_grid(plan, units, [month], today, rate_months=[month])
    return [
        (u, grid[(u.pk, month)]) for u in units if timeliness[u.pk]["late"] or timeliness[u.pk]["missing"]
    ]


def open_coordination_counts(plan, month):
    """{task_id: number of open coordination matters}: what `open_coordination` lists, counted
    in one query of task ids (no join of tasks and units, no ORDER BY, no model per row)."""
    counts = {}
    for task_id in open_coordination(plan, month).order_by().values_list("task_id", flat=True):
        counts[task_id] = counts.get(task_id, 0) + 1
    return counts
