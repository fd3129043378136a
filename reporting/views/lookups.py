"""The lookups every reporting page starts from: the current plan, a report the user may see (with
whether they may change it), a task of that report. Another unit's report is a 404, a report the user
may not change a 403 (units.access and tasks.reporting decide; these only ask them)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from tasks.models import MonthlyReport, Plan
from tasks.reporting import can_edit_report, reporting_month_for, tasks_for_unit
from units.access import get_object_for_user, require_role

MONTHS = range(1, 13)


def current_plan():
    plan = Plan.current()
    if plan is None:
        raise Http404
    return plan


def get_report_for_user(request, pk):
    """(report, can_edit) of a report the user may see; 404 for another unit's report."""
    require_role(request.user)
    report = get_object_for_user(MonthlyReport.objects.select_related("plan", "unit"), request.user, pk=pk)
    return report, can_edit_report(request.user, report)


def get_rw_report_for_user(request, pk):
    report, can_edit = get_report_for_user(request, pk)
    if not can_edit:
        raise PermissionDenied
    return report


def due_month(plan, today):
    """The month whose report is due now (the month just ended), within the plan's year."""
    year, month = reporting_month_for(today)
    if year < plan.year:
        return None
    return month if year == plan.year else 12


def task_for_report(report, number):
    task = tasks_for_unit(report.plan, report.unit).filter(number=number).first()
    if task is None:
        raise Http404
    return task


def report_url(report):
    return reverse("reporting:report", args=[report.pk])
