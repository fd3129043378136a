"""/reports/: the quarterly coordination workbook, the Word 通报 (weekly and quarterly), and the monthly
Excel template and upload."""

import datetime
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reporting.stepper import message_with_link
from reporting.views.lookups import due_month, report_url
from reports import notices
from reports.forms import TemplateForm, UploadForm
from reports.models import ReminderMessage
from reports.reminders.calendar import NoPlanError, PeriodError, parse_period, plan_for, quarter_period, week_period
from reports.upload.read import (
    UploadRejected,
    apply_upload,
    build_template,
    check_upload,
    read_template,
    template_filename,
)
from reports.workbook.build import build_quarterly_workbook, quarter_label, quarter_months, quarterly_filename
from targets.exports import xlsx_response
from tasks import calendar
from tasks.models import Plan
from tasks.reporting import local_today
from units.access import is_staff, reads_everything, role_of, unit_of
from units.audit import record
from units.models import AuditEvent, Membership

PENDING_UPLOAD = "reports.pending_upload"


def _require_reader(user):
    """The coordination workbook is for bureau staff and leaders."""
    if not reads_everything(user):
        raise PermissionDenied


def _require_uploader(user):
    """Bureau staff (any unit) and liaisons (their own unit) upload; leaders change nothing."""
    if not (is_staff(user) or role_of(user) == Membership.Role.LIAISON):
        raise PermissionDenied


def _plan(code=None, year=None):
    plans = Plan.objects.all()
    if code:
        plan = plans.filter(code=code).first()
    elif year:
        plan = plans.filter(year=year).first()
    else:
        plan = Plan.current()
    if plan is None or (year and plan.year != year):
        raise Http404
    return plan


@login_required
@require_GET
def index(request):
    _require_reader(request.user)
    code = request.GET.get("plan")
    plan = _plan(code)
    suffix = f"?plan={plan.code}" if code else ""
    quarters = [
        {
            "label": quarter_label(plan, quarter),
            "months": quarter_months(quarter),
            "url": reverse("reports:quarterly", args=[plan.year, quarter]) + suffix,
        }
        for quarter in (1, 2, 3, 4)
    ]
    today = calendar.local_today()
    current_quarter = (today.month - 1) // 3 + 1 if today.year == plan.year else (4 if today.year > plan.year else None)
    for number, quarter in enumerate(quarters, start=1):
        quarter["notice_url"] = reverse("reports:quarterly_notice", args=[plan.year, number]) + suffix
        quarter["current"] = number == current_quarter
    weeks = [
        {"period": week, "url": reverse("reports:weekly_notice", args=[week.code])}
        for week in notice_weeks(plan, today)
    ]
    return render(request, "reports/index.html", {"plan": plan, "quarters": quarters, "weeks": weeks})


WEEK = datetime.timedelta(days=7)


def _plan_year_of_week(period):
    return calendar.week_reporting_month(period.last_day)[0]


def notice_weeks(plan, today):
    """The weeks the page offers a 每周通报 for: the current week and the one before, within the
    plan's bulletins (a week belongs to the plan of the month it reports on); for a plan whose
    bulletins are over, its last two; none before its first."""
    week = week_period(today)
    if _plan_year_of_week(week) < plan.year:
        return []
    while _plan_year_of_week(week) > plan.year:
        week = week_period(week.first_day - WEEK)
    weeks = [week]
    previous = week_period(week.first_day - WEEK)
    if _plan_year_of_week(previous) == plan.year:
        weeks.append(previous)
    return weeks


def _docx_response(content, filename):
    response = HttpResponse(content, content_type=notices.DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


@login_required
@require_GET
def weekly_notice(request, week):
    """The 每周通报 of a week (2023-W20) as Word, for staff and leaders; audited like the workbook."""
    _require_reader(request.user)
    try:
        period = parse_period(ReminderMessage.Kind.WEEKLY, week)
        plan = plan_for(ReminderMessage.Kind.WEEKLY, period)
    except (PeriodError, NoPlanError) as error:
        raise Http404 from error
    filename = notices.weekly_filename(period)
    content = notices.weekly_notice(plan, period)
    record(
        AuditEvent.Action.EXPORT, request=request, obj=plan, object_repr=filename, changes={"notice": period.code},
    )
    return _docx_response(content, filename)


@login_required
@require_GET
def quarterly_notice(request, year, quarter):
    """The quarter's coordination 通报 as Word, for staff and leaders; audited like the workbook."""
    _require_reader(request.user)
    if quarter not in (1, 2, 3, 4):
        raise Http404
    plan = _plan(request.GET.get("plan"), year=year)
    period = quarter_period(plan.year, quarter)
    filename = notices.quarterly_filename(plan, period)
    content = notices.quarterly_notice(plan, period)
    record(
        AuditEvent.Action.EXPORT, request=request, obj=plan, object_repr=filename, changes={"notice": period.code},
    )
    return _docx_response(content, filename)


@login_required
@require_GET
def quarterly(request, year, quarter):
    _require_reader(request.user)
    if quarter not in (1, 2, 3, 4):
        raise Http404
    plan = _plan(request.GET.get("plan"), year=year)
    content = build_quarterly_workbook(plan, quarter)
    filename = quarterly_filename(plan, quarter)
    record(
        AuditEvent.Action.EXPORT, request=request, obj=plan, object_repr=filename,
        changes={"quarter": f"{plan.year}Q{quarter}"},
    )
    return xlsx_response(content, filename)


def _open_month(plan):
    """The template's month, preselected: the month being reported now (January before the first is due)."""
    return {"month": due_month(plan, local_today()) or 1}


def _upload_page(request, plan, *, template_form=None, upload_form=None, errors=None, preview=None, token=None,
                 status=200):
    context = {
        "plan": plan,
        "template_form": template_form or TemplateForm(user=request.user, plan=plan, initial=_open_month(plan)),
        "upload_form": upload_form or UploadForm(),
        "errors": errors or [],
        "preview": preview,
        "token": token,
        "own_unit": unit_of(request.user),
        "max_mb": settings.UPLOAD_XLSX_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "reports/upload.html", context, status=status)


@login_required
@require_GET
def template_download(request):
    _require_uploader(request.user)
    plan = _plan(request.GET.get("plan"))
    form = TemplateForm(request.GET, user=request.user, plan=plan)
    if not form.is_valid():
        return _upload_page(request, plan, template_form=form, status=400)
    unit = form.cleaned_data["unit"] if is_staff(request.user) else unit_of(request.user)
    month = form.cleaned_data["month"]
    filename = template_filename(plan, unit, month)
    content = build_template(plan, unit, month)
    record(
        AuditEvent.Action.EXPORT, request=request, obj=unit, object_repr=filename,
        changes={"template": [None, f"{plan.code} {unit.code} {month}"]},
    )
    return xlsx_response(content, filename)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    """GET: the template and upload forms. POST: check the file and show what it would change."""
    _require_uploader(request.user)
    plan = _plan()
    if request.method == "GET":
        return _upload_page(request, plan)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, plan, upload_form=form, status=400)
    upload_file = form.cleaned_data["file"]
    try:
        parsed = read_template(upload_file.read(), upload_file.name)
        preview = check_upload(parsed, request.user)
    except UploadRejected as rejected:
        return _upload_page(request, plan, upload_form=form, errors=rejected.errors)
    token = None
    if preview.has_changes:
        # The rows wait server-side (in the session), so what the confirm saves is what was
        # checked here; the page carries only a random token to match the confirm to this preview.
        token = secrets.token_urlsafe(24)
        request.session[PENDING_UPLOAD] = {
            "token": token,
            "user": request.user.pk,
            "filename": upload_file.name[:200],
            "payload": preview.payload,
        }
    else:
        request.session.pop(PENDING_UPLOAD, None)
    return _upload_page(request, preview.plan, preview=preview, token=token)


@login_required
@require_POST
def upload_confirm(request):
    _require_uploader(request.user)
    pending = request.session.get(PENDING_UPLOAD)
    token = request.POST.get("token", "")
    if (
        not pending
        or pending.get("user") != request.user.pk
        or not secrets.compare_digest(str(pending.get("token", "")), token)
    ):
        messages.error(request, _("上传预览已失效或已保存，请重新上传文件。"))
        return redirect("reports:upload")
    del request.session[PENDING_UPLOAD]
    try:
        report, changes = apply_upload(pending["payload"], request.user)
    except UploadRejected as rejected:
        return _upload_page(request, _plan(), errors=rejected.errors)
    if report is not None and changes:
        record(
            AuditEvent.Action.UPLOAD, request=request, obj=report, object_repr=f"{report} · {pending['filename']}",
            changes={"file": pending["filename"], "sha256": pending["payload"]["sha256"], "cells": len(changes)},
        )
        message_with_link(
            request, messages.SUCCESS,
            _("已保存 %(count)s 处修改到%(report)s的草稿，请核对后在本单位报送页面报送。")
            % {"count": len(changes), "report": report},
            report_url(report), _("去报送页面核对并报送"),
        )
    else:
        text = _("文件内容与系统中的数据一致，没有需要保存的修改。")
        if report is not None:
            message_with_link(request, messages.INFO, text, report_url(report), _("去报送页面核对并报送"))
        else:
            messages.info(request, text)
    return redirect("reports:upload")
