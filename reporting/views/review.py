"""The bureau's side of monthly reporting: the review queue, approving, returning and reopening
reports, the month × unit grid, a report's version history and restore, and closing months.

Reports are looked up as in reporting/views/entry.py (another unit's report is a 404); only
bureau staff change anything here.
"""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reporting import change_log, services
from reporting.forms import ReasonForm
from reporting.stepper import message_with_link
from reporting.views.entry import detail_context
from reporting.views.lookups import MONTHS, current_plan, get_report_for_user, get_rw_report_for_user, report_url
from targets.models import TargetValue
from tasks.calendar import due_date
from tasks.models import MonthlyReport, ProgressReport, ReportingMonthClosure
from tasks.reporting import SubmissionState, local_today, reporting_units, submission_state
from units.access import is_staff, reads_everything, require_role, require_staff

# Review


@login_required
@require_GET
def review(request):
    """The bureau's queue: submitted reports waiting for approval, oldest month first."""
    require_staff(request.user)
    waiting = list(
        MonthlyReport.objects.filter(status=MonthlyReport.Status.SUBMITTED)
        .select_related("plan", "unit", "submitted_by")
        .annotate(
            value_count=Count("values", distinct=True), progress_count=Count("progress", distinct=True),
            # Figures saved despite a data-quality warning (targets/data_quality.py), for the reviewer's eye.
            suspect_count=Count("values", filter=~Q(values__suspect=[]), distinct=True),
        )
        .order_by("plan__year", "month", "unit__position", "unit__code")
    )
    recently_returned = list(
        MonthlyReport.objects.filter(status=MonthlyReport.Status.RETURNED)
        .select_related("plan", "unit", "reviewed_by")
        .order_by("-reviewed_at")[:20]
    )
    return render(request, "reporting/review.html", {"waiting": waiting, "returned": recently_returned})


@login_required
@require_POST
def approve(request):
    """Approve one report (button `only`) or the checked ones (`report`)."""
    require_staff(request.user)
    raw = [request.POST["only"]] if request.POST.get("only") else request.POST.getlist("report")
    try:
        ids = sorted({int(i) for i in raw})
    except ValueError:
        ids = []
    back = request.POST.get("back") == "report" and len(ids) == 1
    if not ids:
        messages.error(request, _("请选择要审核通过的报送。"))
        return redirect("reporting:review")
    reports = list(MonthlyReport.objects.filter(pk__in=ids))
    if len(reports) != len(ids):
        raise Http404
    try:
        approved = services.approve_reports(reports, request.user)
    except services.NotEditable as error:
        messages.error(request, str(error))
    else:
        message_with_link(request, messages.SUCCESS, _("已审核通过 %(n)d 份报送。") % {"n": len(approved)},
                          reverse("reporting:review"), _("返回报送审核"))
    if back:
        return redirect("reporting:report", pk=ids[0])
    return redirect("reporting:review")


def _reason_action(request, pk, prefix, action, done_message):
    require_staff(request.user)
    report, can_edit = get_report_for_user(request, pk)
    form = ReasonForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            action(report, request.user, form.cleaned_data["reason"])
        except services.NotEditable as error:
            messages.error(request, str(error))
        else:
            message_with_link(request, messages.SUCCESS, done_message, reverse("reporting:review"), _("返回报送审核"))
        return redirect(report_url(report))
    context = detail_context(request, report, can_edit, **{f"{prefix}_form": form})
    return render(request, "reporting/report.html", context, status=400)


@login_required
@require_POST
def return_report(request, pk):
    return _reason_action(request, pk, "return", services.return_report, _("已退回，并已邮件通知报送人。"))


@login_required
@require_POST
def reopen(request, pk):
    return _reason_action(request, pk, "reopen", services.reopen_report, _("已重新打开，单位可修改后再次报送。"))


# Grid


@login_required
@require_GET
def grid(request):
    """Month × unit: submitted on time / late / approved / returned / missing."""
    require_role(request.user)
    if not reads_everything(request.user):
        raise PermissionDenied
    plan = current_plan()
    today = local_today()
    units = list(reporting_units(plan).order_by("position", "code"))
    reports = {(r.unit_id, r.month): r for r in MonthlyReport.objects.filter(plan=plan)}
    counts = {month: defaultdict(int) for month in MONTHS}
    rows = []
    for unit in units:
        cells = []
        for month in MONTHS:
            report = reports.get((unit.pk, month))
            state = SubmissionState(submission_state(plan, month, report, today))
            counts[month][state.value] += 1
            cells.append({"month": month, "report": report, "state": state})
        rows.append({"unit": unit, "cells": cells})
    summary = [
        {"month": month, "approved": counts[month]["approved"],
         "submitted": counts[month]["on_time"] + counts[month]["late"] + counts[month]["approved"],
         "missing": counts[month]["missing"]}
        for month in MONTHS
    ]
    context = {"plan": plan, "rows": rows, "months": MONTHS, "summary": summary,
               "states": SubmissionState, "can_open": is_staff(request.user)}
    return render(request, "reporting/grid.html", context)


# History and restore


@login_required
@require_GET
def history(request, pk):
    report, can_edit = get_report_for_user(request, pk)
    targets = {t.pk: t for t in report.plan.targets.all()}
    tasks = {t.pk: t for t in report.plan.tasks.all()}
    value_rows = change_log.version_rows(
        TargetValue, report, services.VALUE_FIELDS,
        lambda r: targets[r.target_id].name if r.target_id in targets else "",
    )
    progress_rows = change_log.version_rows(
        ProgressReport, report, services.PROGRESS_FIELDS,
        lambda r: str(tasks[r.task_id]) if r.task_id in tasks else "",
    )
    context = {
        "report": report,
        "value_rows": value_rows,
        "progress_rows": progress_rows,
        "report_history": report.history.select_related("history_user").order_by("-history_date", "-history_id"),
        "can_restore": can_edit and is_staff(request.user),
    }
    return render(request, "reporting/history.html", context)


@login_required
@require_POST
def restore(request, pk):
    require_staff(request.user)
    report = get_rw_report_for_user(request, pk)
    model = {"value": TargetValue, "progress": ProgressReport}.get(request.POST.get("kind"))
    if model is None:
        raise Http404
    try:
        obj = model.objects.get(report=report, pk=int(request.POST.get("object_id", "")))
        history_id = int(request.POST.get("history_id", ""))
    except (ValueError, model.DoesNotExist):
        raise Http404 from None
    try:
        restored = services.restore_version(obj, history_id, request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    except services.NotEditable as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已恢复，当前为第 %(n)d 版。") % {"n": restored.version})
    return redirect("reporting:history", pk=report.pk)


# Reporting months


@login_required
@require_GET
def months(request):
    require_staff(request.user)
    plan = current_plan()
    closed = {c.month: c for c in ReportingMonthClosure.objects.filter(plan=plan).select_related("closed_by")}
    status_counts = defaultdict(lambda: defaultdict(int))
    for month, status, count in (
        MonthlyReport.objects.filter(plan=plan).values_list("month", "status").annotate(n=Count("id")).order_by()
    ):
        status_counts[month][status] = count
    rows = [
        {"month": m, "closure": closed.get(m), "deadline": due_date(plan, m),
         "approved": status_counts[m][MonthlyReport.Status.APPROVED],
         "submitted": status_counts[m][MonthlyReport.Status.SUBMITTED]}
        for m in MONTHS
    ]
    return render(request, "reporting/months.html", {"plan": plan, "rows": rows})


@login_required
@require_POST
def close_month(request, month):
    require_staff(request.user)
    if month not in MONTHS:
        raise Http404
    services.close_month(current_plan(), month, request.user)
    messages.success(request, _("%(m)d月已关闭报送。") % {"m": month})
    return redirect("reporting:months")


@login_required
@require_POST
def reopen_month(request, month):
    require_staff(request.user)
    if month not in MONTHS:
        raise Http404
    services.open_month(current_plan(), month, request.user)
    messages.success(request, _("%(m)d月已重新开放报送。") % {"m": month})
    return redirect("reporting:months")
