"""The target list (/targets/) and a target's page (/targets/<id>/), with its year-start form.

Every figure is read from the stored standings (targets/standing_queries.py): no page computes
a status or a forecast, and each runs the same number of queries whatever it shows.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from targets.asof import as_of_month
from targets.charts.style import figure_json, figure_script
from targets.charts.target import target_figure
from targets.dashboard import PLAN_PARAMETER, current_plan, page_context, status_cards
from targets.exports import export_table
from targets.filtersets import TargetFilterSet
from targets.models import Target, TargetStanding, TargetValue
from targets.numbers import format_number
from targets.standing_queries import (
    target_standings,
    target_status_counts,
)
from targets.tables.targets import (
    MonthlyValueTable,
    TargetTable,
    completion_text,
)
from targets.views.breakdown import breakdown_context
from targets.views.target_years import target_years
from targets.year_start import YearStartForm, set_year_start, year_start_history
from units.access import get_object_for_user, is_staff, require_role, require_staff
from wuhan_plan.tables import CountedPaginator

TARGETS_PER_PAGE = 50


def _target_table(request, plan, month, paginate):
    """The filter, the table and the status counts of what passes the filter (counted in SQL; the
    table's pages take their number of rows from them, no COUNT query of their own)."""
    filterset = TargetFilterSet(request.GET or None, queryset=target_standings(plan, month), plan=plan)
    table = TargetTable(filterset.qs)
    counts = target_status_counts(filterset.qs)
    pages = {"per_page": TARGETS_PER_PAGE, "paginator_class": CountedPaginator, "count": sum(counts.values())}
    RequestConfig(request, paginate=pages if paginate else False).configure(table)
    return filterset, table, counts


@login_required
@require_GET
def target_list(request):
    require_role(request.user)
    plan = current_plan(request)
    as_of = as_of_month(request, plan)
    export = request.GET.get("export") == "xlsx"
    filterset, table, counts = _target_table(request, plan, as_of.month, paginate=not export)
    if export:  # the export has every row that passes the filters
        return export_table(request, table, _("指标-%(month)s月.xlsx") % {"month": as_of.month}, _("指标"))
    context = page_context(request, plan, as_of, filter=filterset, table=table, status_cards=status_cards(counts))
    return render(request, "targets/target_list.html", context)


def _target_for(request, pk):
    """The target and its plan: any published plan's (a link from an earlier year's page carries no
    ?plan=), the plan picked by ?plan= when given."""
    picked = current_plan(request)
    plans = {plan.pk: plan for plan in getattr(request, "published_plans", [picked])}
    if request.GET.get(PLAN_PARAMETER):
        plans = {picked.pk: picked}
    target = get_object_for_user(
        Target.objects.filter(plan_id__in=plans).select_related("reporting_unit", "goal_section"), request.user, pk=pk
    )
    return plans[target.plan_id], target


@login_required
@require_GET
def target_detail(request, pk):
    require_role(request.user)
    plan, target = _target_for(request, pk)
    as_of = as_of_month(request, plan)
    if request.GET.get("export") == "xlsx":
        table = _monthly_values(target, as_of.month)
        return export_table(request, table, _("%(code)s-月度数值.xlsx") % {"code": target.code}, target.code)
    return _detail_page(request, plan, target, as_of)


@login_required
@require_POST
def target_year_start(request, pk):
    """Staff set a stock's year-start figure (年初基数), with a reason; see targets/year_start.py."""
    require_staff(request.user)
    plan, target = _target_for(request, pk)
    form = YearStartForm(request.POST, target=target)
    if form.is_valid() and set_year_start(target.pk, form, request):
        messages.success(request, _("已保存年初基数，状态与预计已按新基数重新计算。"))
        return redirect("targets:detail", pk=target.pk)
    target.refresh_from_db()
    return _detail_page(request, plan, target, as_of_month(request, plan), form, status=400)


def _detail_page(request, plan, target, as_of, year_start_form=None, status=200, earlier_forms=None):
    standing = TargetStanding.objects.select_related("target").get(target=target, month=as_of.month)
    standing.target = target  # the one with its reporting unit and goal group
    years = target_years(request, target, earlier_forms)  # the same target in earlier plans
    figure = figure_json(target_figure(standing, earlier_years=years.series))
    forecast = standing.forecast
    if year_start_form is None and target.kind == Target.Kind.STOCK and is_staff(request.user):
        year_start_form = YearStartForm(target=target)
    shown_breakdown = breakdown_context(standing)
    combined = bool(shown_breakdown.get("breakdown") and shown_breakdown["breakdown"]["combined"])
    context = page_context(
        request, plan, as_of,
        target=target,
        standing=standing,
        tasks=list(target.tasks.select_related("section").order_by("number")),
        figure=json.loads(figure),
        figure_script=figure_script(figure, "fig-target"),
        table=_combined_values(standing) if combined else _monthly_values(target, as_of.month),
        forecast_statement=forecast.statement(target) if forecast else "",
        forecast_method=forecast.method_text(target) if forecast else "",
        completion_text=completion_text(standing),
        target_text=target.wording,
        latest_value=format_number(standing.value),
        year_start=format_number(target.baseline) if target.baseline is not None else "",
        year_start_history=year_start_history(target) if target.kind == Target.Kind.STOCK else [],
        year_start_form=year_start_form,
        **shown_breakdown,
        **years.context,
    )
    return render(request, "targets/target_detail.html", context, status=status)


def _combined_values(standing):
    """The table of a city target whose figure is made of its districts' (targets/breakdown.py): the
    stored standing's monthly figures, each with the number of districts it is made of (one query,
    as the unit's own values would be); who reported each is on the districts' own pages."""
    target = standing.target
    reported = dict(
        TargetValue.objects.approved()
        .filter(target__breakdown_of=target, unit_id=F("target__reporting_unit_id"), month__lte=standing.month)
        .order_by().values("month").annotate(n=Count("id")).values_list("month", "n")
    )
    words = _("由%(n)s个区已审核数值%(rule)s得出")
    rule = target.get_share_rule_display()
    values = [
        TargetValue(target=target, month=month, value=value, note=words % {"n": reported.get(month, 0), "rule": rule})
        for month, value in standing.monthly_values.items()
    ]
    return MonthlyValueTable(values)


def _monthly_values(target, month):
    """The table of the target's approved monthly values up to `month`, with who reported them."""
    values = list(
        TargetValue.objects.approved()
        .filter(target=target, unit=target.reporting_unit_id, month__lte=month, month__in=target.due_months)
        .select_related("report__submitted_by", "report__reviewed_by", "updated_by")
        .order_by("month")
    )
    for value in values:
        value.target = target  # the table renders completion and status without a query per row
    return MonthlyValueTable(values)
