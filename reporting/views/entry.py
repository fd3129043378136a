"""Monthly reporting pages: a unit's month, its report, editing and submitting (evidence: views/evidence.py).

Every report is looked up through `MonthlyReport.objects.for_user` (another unit's report is a
404) and every change is allowed by `tasks.reporting.can_edit_report` (else 403) and made by
`reporting.services`. The bureau's review, grid, history and months are in reporting/views/review.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reporting import services
from reporting.figure_changes import change_words, previous_approved
from reporting.forms import EvidenceForm, ProgressForm, ReasonForm, ReportValuesForm
from reporting.stepper import message_with_link, next_step, report_progress
from reporting.views.lookups import (
    MONTHS,
    current_plan,
    due_month,
    get_report_for_user,
    get_rw_report_for_user,
    report_url,
    task_for_report,
)
from targets.models import TargetValue
from targets.numbers import format_number
from targets.progress import Status, status_for
from tasks.calendar import due_date
from tasks.models import EvidenceFile, MonthlyReport, ProgressReport, ReportingMonthClosure
from tasks.reporting import (
    SubmissionState,
    can_edit_report,
    can_submit_report,
    local_today,
    reporting_units,
    submission_state,
    targets_for_unit,
    tasks_for_unit,
)
from units.access import (
    editable_unit_ids,
    is_leader,
    is_staff,
    reads_everything,
    require_role,
    unit_of,
)
from units.models import Unit

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
    plan = current_plan()
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
    month_due = due_month(plan, today)
    targets = list(targets_for_unit(plan, unit, month_due))
    tasks = list(tasks_for_unit(plan, unit))
    due = None
    if month_due:
        report = reports.get(month_due)
        valued = set(report.values.values_list("target_id", flat=True)) if report else set()
        progressed = set(report.progress.values_list("task_id", flat=True)) if report else set()
        due = {
            "month": month_due,
            "report": report,
            "deadline": due_date(plan, month_due),
            "overdue": today > due_date(plan, month_due),
            "state": months[month_due - 1]["state"],
            "missing_targets": [t for t in targets if t.pk not in valued],
            "missing_tasks": [t for t in tasks if t.pk not in progressed],
        }
        if report is not None and can_edit_report(request.user, report):
            due["progress"] = stepper = report_progress(report)
            due["next_url"], due["next_label"] = next_step(stepper)
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
    url, label = next_step(report_progress(form.report))
    message_with_link(request, messages.SUCCESS, _("已建立本月报送草稿。"), url, label)
    if changed:
        messages.success(request, _("已保存 %(n)d 项指标数值。") % {"n": changed})
    return form.report


def _after_save(request, report, text, after_task=None):
    """Where a save goes: with "保存并填写下一项" (`next`) to the next step, else to the report; the
    message links to the next step either way."""
    url, label = next_step(report_progress(report), after_task)
    message_with_link(request, messages.SUCCESS, text, url, label)
    go_next = "next" in request.POST and url != request.path  # figures left blank: not the same page again
    return redirect(url if go_next else report_url(report))


@login_required
@require_http_methods(["GET", "POST"])
def open_month(request, month):
    """The unit's report for `month`. Until it exists, GET shows the empty values form and stores
    nothing — following the months' links must not leave empty drafts behind — and the first save
    (POST) creates the draft together with what was entered, or nothing if the form is refused."""
    require_role(request.user)
    plan = current_plan()
    unit = _unit_opened(request, plan, month)
    report = MonthlyReport.objects.filter(plan=plan, unit=unit, month=month).first()
    if report is not None:
        return redirect(report_url(report))
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
            return redirect(next_step(report_progress(report))[0] if "next" in request.POST else report_url(report))
    context = {"report": unsaved, "form": form, "back_url": back, "stepper": report_progress(unsaved)}
    return render(request, "reporting/values_form.html", context, status=409 if form.conflict else 200)


# One report


def detail_context(request, report, can_edit, **extra):
    plan, unit = report.plan, report.unit
    targets = list(targets_for_unit(plan, unit, report.month))
    values = {v.target_id: v for v in report.values.select_related("updated_by")}
    previous = {v.target_id: v for v in _last_month_values(report)}  # the column 上月数值, as the form shows it
    approved_before = previous_approved(report)  # the change is against the last approved figure
    value_rows = []
    for target in targets:
        value = values.get(target.pk)
        status = Status(status_for(target, value.value if value else None, report.month))
        prev = previous.get(target.pk)
        value_rows.append({
            "target": target, "value": value, "display": format_number(value.value) if value else "",
            "previous": prev, "previous_display": format_number(prev.value) if prev else "",
            "change": change_words(value, approved_before.get(target.pk), report.month), "status": status,
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
        "stepper": report_progress(report) if can_edit else None,
    }
    context.update(extra)
    return context


@login_required
@require_GET
def report_detail(request, pk):
    report, can_edit = get_report_for_user(request, pk)
    return render(request, "reporting/report.html", detail_context(request, report, can_edit))


def _last_month_values(report):
    if report.month == 1:
        return TargetValue.objects.none()
    return TargetValue.objects.filter(unit=report.unit, month=report.month - 1, target__plan=report.plan)


def _values_form_kwargs(report):
    """What ReportValuesForm needs for `report` (saved, or not yet: then no value exists)."""
    previous = {v.target_id: v for v in _last_month_values(report)}
    return {
        "report": report,
        "targets": list(targets_for_unit(report.plan, report.unit, report.month)),
        "existing": {v.target_id: v for v in report.values.all()} if report.pk else {},
        "previous": previous,
    }


@login_required
@require_http_methods(["GET", "POST"])
def edit_values(request, pk):
    report = get_rw_report_for_user(request, pk)
    kwargs = _values_form_kwargs(report)
    if request.method == "POST":
        form = ReportValuesForm(request.POST, **kwargs)
        if form.is_valid():
            changed = form.save(request.user)
            if changed is not None:
                return _after_save(request, report, _("已保存 %(n)d 项指标数值。") % {"n": changed})
    else:
        form = ReportValuesForm(**kwargs)
    context = {"report": report, "form": form, "stepper": report_progress(report)}
    return render(request, "reporting/values_form.html", context, status=409 if form.conflict else 200)


def progress_page(request, report, task, form=None, evidence_form=None, status=200):
    progress = ProgressReport.objects.filter(report=report, task=task).prefetch_related("evidence").first()
    form = form or ProgressForm(report=report, task=task, instance=progress)
    stepper = report_progress(report)
    context = {
        "report": report, "task": task, "progress": progress, "form": form, "stepper": stepper,
        # the service's rule, for this task: its targets are behind (the page says so before saving)
        "problems_required": any(row["needs_problems"] for row in stepper.tasks if row["task"].pk == task.pk),
        "behind_value": ProgressReport.SelfStatus.BEHIND.value,
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
    report = get_rw_report_for_user(request, pk)
    task = task_for_report(report, task_number)
    if request.method == "POST":
        instance = ProgressReport.objects.filter(report=report, task=task).first()
        form = ProgressForm(request.POST, report=report, task=task, instance=instance)
        if form.is_valid() and form.save(request.user) is not None:
            return _after_save(request, report, _("已保存任务 %(n)d 的月度进展。") % {"n": task.number}, task)
        return progress_page(request, report, task, form=form, status=409 if form.conflict else 200)
    return progress_page(request, report, task)


# Workflow


@login_required
@require_POST
def submit(request, pk):
    report, _can_edit = get_report_for_user(request, pk)
    if not can_submit_report(request.user, report):
        raise PermissionDenied
    try:
        report = services.submit_report(report, request.user)
    except ValidationError as error:
        url, label = next_step(report_progress(report))
        message_with_link(request, messages.ERROR, _("未能报送：") + "；".join(error.messages), url, label)
    except services.NotEditable as error:
        messages.error(request, str(error))
    else:
        home = (reverse("reporting:review"), _("返回报送审核")) if is_staff(request.user) else (
            reverse("reporting:my_unit"), _("返回本单位报送"))
        if report.is_late:
            message_with_link(request, messages.WARNING, _("已报送，超过报送截止日期，记为逾期报送。"), *home)
        else:
            message_with_link(request, messages.SUCCESS, _("已报送，等待市科技局审核。"), *home)
    return redirect(report_url(report))
