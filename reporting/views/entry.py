"""Monthly reporting pages: a unit's month, its report, editing, evidence and submitting.

Every report is looked up through `MonthlyReport.objects.for_user` (another unit's report is a
404) and every change is allowed by `tasks.reporting.can_edit_report` (else 403) and made by
`reporting.services`. The bureau's review, grid, history and months are in reporting/views/review.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reporting import services
from reporting.evidence import delete_evidence, store_evidence
from reporting.forms import EvidenceForm, ProgressForm, ReasonForm, ReportValuesForm
from targets.models import TargetValue
from targets.numbers import format_number
from targets.progress import Status, status_for
from tasks.calendar import due_date
from tasks.models import EvidenceFile, MonthlyReport, Plan, ProgressReport, ReportingMonthClosure
from tasks.reporting import (
    SubmissionState,
    can_edit_report,
    can_submit_report,
    local_today,
    reporting_month_for,
    reporting_units,
    submission_state,
    targets_for_unit,
    tasks_for_unit,
)
from units.access import (
    editable_unit_ids,
    get_object_for_user,
    is_leader,
    is_staff,
    reads_everything,
    require_role,
    unit_of,
)
from units.models import Unit

MONTHS = range(1, 13)


# Helpers


def _current_plan():
    plan = Plan.current()
    if plan is None:
        raise Http404
    return plan


def _get_report_for_user(request, pk):
    """(report, can_edit) of a report the user may see; 404 for another unit's report."""
    require_role(request.user)
    report = get_object_for_user(MonthlyReport.objects.select_related("plan", "unit"), request.user, pk=pk)
    return report, can_edit_report(request.user, report)


def _get_rw_report_for_user(request, pk):
    report, can_edit = _get_report_for_user(request, pk)
    if not can_edit:
        raise PermissionDenied
    return report


def _due_month(plan, today):
    """The month whose report is due now (the month just ended), within the plan's year."""
    year, month = reporting_month_for(today)
    if year < plan.year:
        return None
    return month if year == plan.year else 12


def _task_for_report(report, number):
    task = tasks_for_unit(report.plan, report.unit).filter(number=number).first()
    if task is None:
        raise Http404
    return task


def _report_url(report):
    return reverse("reporting:report", args=[report.pk])


# A unit's months


@login_required
@require_GET
def my_unit(request):
    """A liaison's home: this month's report, what is missing, the deadline, what was returned and why."""
    require_role(request.user)
    if is_staff(request.user):
        return redirect("reporting:review")
    if is_leader(request.user):
        return redirect("reporting:grid")
    plan = _current_plan()
    unit = unit_of(request.user)
    today = local_today()
    reports = {r.month: r for r in MonthlyReport.objects.filter(plan=plan, unit=unit).select_related("plan")}
    months = [
        {
            "month": month,
            "report": reports.get(month),
            "deadline": due_date(plan, month),
            "state": SubmissionState(submission_state(plan, month, reports.get(month), today)),
        }
        for month in MONTHS
    ]
    due_month = _due_month(plan, today)
    targets = list(targets_for_unit(plan, unit, due_month))
    tasks = list(tasks_for_unit(plan, unit))
    due = None
    if due_month:
        report = reports.get(due_month)
        valued = set(report.values.values_list("target_id", flat=True)) if report else set()
        progressed = set(report.progress.values_list("task_id", flat=True)) if report else set()
        due = {
            "month": due_month,
            "report": report,
            "deadline": due_date(plan, due_month),
            "overdue": today > due_date(plan, due_month),
            "state": months[due_month - 1]["state"],
            "missing_targets": [t for t in targets if t.pk not in valued],
            "missing_tasks": [t for t in tasks if t.pk not in progressed],
        }
    returned = [r for r in reports.values() if r.status == MonthlyReport.Status.RETURNED]
    context = {
        "plan": plan, "unit": unit, "months": months, "due": due, "returned": returned,
        "targets": targets, "tasks": tasks, "today": today,
    }
    return render(request, "reporting/my_unit.html", context)


def _unit_opened(request, plan, month):
    """The unit whose `month` the user opens: a liaison's own; staff and leaders name it with ?unit=<code>."""
    if month not in MONTHS:
        raise Http404
    if reads_everything(request.user):
        unit = get_object_or_404(Unit, code=request.GET.get("unit", ""))
    else:
        unit = unit_of(request.user)
    if unit is None or unit.is_group or unit.pk not in reporting_units(plan).values_list("pk", flat=True):
        raise Http404
    return unit


def _create_with_values(request, form, unsaved):
    """The month's draft, created with the form's values in one transaction — both or neither
    (None, the errors on the form)."""
    with transaction.atomic():
        form.report = services.get_or_create_report(unsaved.plan, unsaved.unit, unsaved.month)
        changed = form.save(request.user)
        if changed is None:
            transaction.set_rollback(True)  # the draft goes with the refused values
            return None
    messages.success(request, _("已建立本月报送草稿。"))
    if changed:
        messages.success(request, _("已保存 %(n)d 项指标数值。") % {"n": changed})
    return form.report


@login_required
@require_http_methods(["GET", "POST"])
def open_month(request, month):
    """The unit's report for `month`. Until it exists, GET shows the empty values form and stores
    nothing — following the months' links must not leave empty drafts behind — and the first save
    (POST) creates the draft together with what was entered, or nothing if the form is refused."""
    require_role(request.user)
    plan = _current_plan()
    unit = _unit_opened(request, plan, month)
    report = MonthlyReport.objects.filter(plan=plan, unit=unit, month=month).first()
    if report is not None:
        return redirect(_report_url(report))
    if not (is_staff(request.user) or unit.pk in editable_unit_ids(request.user)):
        raise Http404  # nothing to show a reader before the unit has reported
    back = reverse("reporting:grid" if is_staff(request.user) else "reporting:my_unit")
    unsaved = MonthlyReport(plan=plan, unit=unit, month=month)
    if not can_edit_report(request.user, unsaved):
        messages.error(request, _("%(month)s月的报送已关闭，不能再填报。") % {"month": month})
        return redirect(back)
    form = ReportValuesForm(request.POST if request.method == "POST" else None, **_values_form_kwargs(unsaved))
    if request.method == "POST" and form.is_valid():
        report = _create_with_values(request, form, unsaved)
        if report is not None:
            return redirect(_report_url(report))
    context = {"report": unsaved, "form": form, "back_url": back}
    return render(request, "reporting/values_form.html", context, status=409 if form.conflict else 200)


# One report


def _detail_context(request, report, can_edit, **extra):
    plan, unit = report.plan, report.unit
    targets = list(targets_for_unit(plan, unit, report.month))
    values = {v.target_id: v for v in report.values.select_related("updated_by")}
    previous = {}
    if report.month > 1:
        previous = {
            v.target_id: v
            for v in TargetValue.objects.filter(unit=unit, month=report.month - 1, target__plan=plan).select_related(
                "report"
            )
        }
    value_rows = []
    for target in targets:
        value = values.get(target.pk)
        status = Status(status_for(target, value.value if value else None, report.month))
        prev = previous.get(target.pk)
        value_rows.append({
            "target": target, "value": value, "display": format_number(value.value) if value else "",
            "previous": prev, "previous_display": format_number(prev.value) if prev else "",
            "status": status,
        })
    progress = {
        p.task_id: p
        for p in report.progress.select_related("updated_by").prefetch_related(
            Prefetch("evidence", queryset=EvidenceFile.objects.order_by("uploaded_at"))
        )
    }
    task_rows = [{"task": task, "progress": progress.get(task.pk)} for task in tasks_for_unit(plan, unit)]
    user = request.user
    staff = is_staff(user)
    context = {
        "report": report, "plan": plan, "unit": unit, "can_edit": can_edit,
        "can_submit": can_submit_report(user, report),
        "can_review": staff and report.status == MonthlyReport.Status.SUBMITTED,
        "can_reopen": staff and report.status == MonthlyReport.Status.APPROVED,
        "deadline": due_date(plan, report.month),
        "value_rows": value_rows, "task_rows": task_rows,
        "report_history": report.history.select_related("history_user").order_by("-history_date", "-history_id")[:20],
        "return_form": ReasonForm(prefix="return"), "reopen_form": ReasonForm(prefix="reopen"),
        "month_closed": ReportingMonthClosure.objects.filter(plan=plan, month=report.month).exists(),
    }
    context.update(extra)
    return context


@login_required
@require_GET
def report_detail(request, pk):
    report, can_edit = _get_report_for_user(request, pk)
    return render(request, "reporting/report.html", _detail_context(request, report, can_edit))


def _values_form_kwargs(report):
    """What ReportValuesForm needs for `report` (saved, or not yet: then no value exists)."""
    previous = {}
    if report.month > 1:
        previous = {
            v.target_id: v
            for v in TargetValue.objects.filter(unit=report.unit, month=report.month - 1, target__plan=report.plan)
        }
    return {
        "report": report,
        "targets": list(targets_for_unit(report.plan, report.unit, report.month)),
        "existing": {v.target_id: v for v in report.values.all()} if report.pk else {},
        "previous": previous,
    }


@login_required
@require_http_methods(["GET", "POST"])
def edit_values(request, pk):
    report = _get_rw_report_for_user(request, pk)
    kwargs = _values_form_kwargs(report)
    if request.method == "POST":
        form = ReportValuesForm(request.POST, **kwargs)
        if form.is_valid():
            changed = form.save(request.user)
            if changed is not None:
                messages.success(request, _("已保存 %(n)d 项指标数值。") % {"n": changed})
                return redirect(_report_url(report))
        status = 409 if form.conflict else 200
        return render(request, "reporting/values_form.html", {"report": report, "form": form}, status=status)
    form = ReportValuesForm(**kwargs)
    return render(request, "reporting/values_form.html", {"report": report, "form": form})


def _progress_page(request, report, task, form=None, evidence_form=None, status=200):
    progress = ProgressReport.objects.filter(report=report, task=task).prefetch_related("evidence").first()
    form = form or ProgressForm(report=report, task=task, instance=progress)
    context = {
        "report": report, "task": task, "progress": progress, "form": form,
        "evidence_form": evidence_form or EvidenceForm(),
        "targets": [
            {"target": v.target, "display": format_number(v.value),
             "status": Status(status_for(v.target, v.value, report.month))}
            for v in report.values.filter(target__tasks=task).select_related("target")
        ],
    }
    return render(request, "reporting/progress_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit_progress(request, pk, task_number):
    report = _get_rw_report_for_user(request, pk)
    task = _task_for_report(report, task_number)
    if request.method == "POST":
        instance = ProgressReport.objects.filter(report=report, task=task).first()
        form = ProgressForm(request.POST, report=report, task=task, instance=instance)
        if form.is_valid() and form.save(request.user) is not None:
            messages.success(request, _("已保存任务 %(n)d 的月度进展。") % {"n": task.number})
            return redirect(_report_url(report))
        return _progress_page(request, report, task, form=form, status=409 if form.conflict else 200)
    return _progress_page(request, report, task)


# Evidence


@login_required
@require_POST
def upload_evidence(request, pk, task_number):
    report = _get_rw_report_for_user(request, pk)
    task = _task_for_report(report, task_number)
    progress = ProgressReport.objects.filter(report=report, task=task).first()
    form = EvidenceForm(request.POST, request.FILES)
    if progress is None:
        form.is_valid()
        form.add_error(None, _("请先保存本任务的月度进展，再上传佐证材料。"))
        return _progress_page(request, report, task, evidence_form=form)
    if not form.is_valid():
        return _progress_page(request, report, task, evidence_form=form)
    try:
        evidence = store_evidence(progress, form.cleaned_data["file"], request.user, request)
    except ValidationError as error:
        form.add_error("file", error)
        return _progress_page(request, report, task, evidence_form=form)
    messages.success(request, _("已上传“%(name)s”。") % {"name": evidence.original_name})
    return redirect("reporting:progress", pk=report.pk, task_number=task.number)


def _get_evidence_for_user(request, pk):
    require_role(request.user)
    return get_object_for_user(
        EvidenceFile.objects.select_related("progress__report__plan", "progress__report__unit", "progress__task"),
        request.user, pk=pk,
    )


@login_required
@require_GET
def download_evidence(request, pk):
    evidence = _get_evidence_for_user(request, pk)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def remove_evidence(request, pk):
    evidence = _get_evidence_for_user(request, pk)
    report = evidence.progress.report
    if not can_edit_report(request.user, report):
        raise PermissionDenied
    delete_evidence(evidence, request.user, request)
    messages.success(request, _("已删除“%(name)s”。") % {"name": evidence.original_name})
    return redirect("reporting:progress", pk=report.pk, task_number=evidence.progress.task.number)


# Workflow


@login_required
@require_POST
def submit(request, pk):
    report, _can_edit = _get_report_for_user(request, pk)
    if not can_submit_report(request.user, report):
        raise PermissionDenied
    try:
        report = services.submit_report(report, request.user)
    except ValidationError as error:
        messages.error(request, _("未能报送：") + "；".join(error.messages))
    except services.NotEditable as error:
        messages.error(request, str(error))
    else:
        if report.is_late:
            messages.warning(request, _("已报送，超过报送截止日期，记为逾期报送。"))
        else:
            messages.success(request, _("已报送，等待市科技局审核。"))
    return redirect(_report_url(report))
