"""A city target's district breakdown: the staff page that creates the shares in a draft plan
(/plans/<plan>/targets/<code>/breakdown/), and what the target page shows of it
(`breakdown_context`: the districts' table and chart for a city target, the link up for a share).

Saving goes through targets/breakdown_authoring.py; the rule is targets/breakdown.py.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from targets import breakdown, breakdown_authoring
from targets.breakdown_forms import BreakdownCreateForm, ShareValuesForm
from targets.charts.breakdown import breakdown_figure
from targets.charts.style import figure_json, figure_script
from targets.models import Target, TargetStanding
from targets.numbers import format_number
from targets.tables.targets import completion_text
from tasks.models import Plan
from units.access import require_staff


def _mismatch_warning(city, values):
    total = breakdown.mismatch(city, values)
    if total is None:
        return ""
    words = {"total": format_number(total), "city": format_number(city.value), "unit": city.unit_of_measure}
    if city.share_rule == Target.ShareRule.MEAN:
        return _("各区目标值平均为 %(total)s%(unit)s，与全市目标 %(city)s%(unit)s 不一致（仅提示，可以保存）。") % words
    return _("各区目标值合计 %(total)s%(unit)s，与全市目标 %(city)s%(unit)s 不一致（仅提示，可以保存）。") % words


@login_required
@require_http_methods(["GET", "POST"])
def target_breakdown(request, plan_code, target_code):
    require_staff(request.user)
    plan = get_object_or_404(Plan, code=plan_code)
    city = get_object_or_404(
        Target.objects.select_related("plan", "reporting_unit", "breakdown_of"), plan=plan, code=target_code
    )
    shares = list(city.shares.select_related("reporting_unit").order_by("reporting_unit__position", "code"))
    action = request.POST.get("action") if request.method == "POST" else None
    create_form = BreakdownCreateForm(request.POST if action == "create" else None, city=city, shares=shares)
    values_form = ShareValuesForm(request.POST if action == "values" else None, city=city, shares=shares)
    refusal = breakdown_authoring.refusal(city)
    status = 200
    if request.method == "POST":
        status = 400  # unless saved: refused (the page says why), an unknown action, or a form error
        form = create_form if action == "create" else values_form
        if not refusal and action not in ("create", "values"):
            messages.error(request, _("未知的操作，未保存任何内容。"))
        elif not refusal and form.is_valid():
            try:
                saved = _save(form, city, request.user)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, saved)  # the page it goes back to warns of a mismatch
                return redirect("plans:breakdown", plan.code, city.code)
    context = {
        "plan": plan,
        "city": city,
        "shares": shares,
        "create_form": create_form,
        "values_form": values_form,
        "refusal": refusal,
        "districts_left": create_form.fields["districts"].queryset.exists(),
        "warning": "" if values_form.is_bound else _mismatch_warning(city, [s.value for s in shares]),
        "heading": _("分解到各区：%(code)s %(name)s") % {"code": city.code, "name": city.name},
    }
    return render(request, "plans/target_breakdown.html", context, status=status)


def _save(form, city, user):
    data = form.cleaned_data
    if isinstance(form, BreakdownCreateForm):
        created = breakdown_authoring.create_shares(
            city, data["units"], share_rule=data["share_rule"], codes=data["codes"], user=user
        )
        return _("已生成 %(n)s 个分区指标，目标值按全市目标均分，请逐区核对。") % {"n": len(created)}
    breakdown_authoring.save_shares(city, share_rule=data["share_rule"], values=data["values"], user=user)
    return _("已保存各区目标值。")


def breakdown_context(standing):
    """What the target page shows of a breakdown, given the target's stored `standing` — one query
    whatever the number of districts: for a share, its city target; for a city target with shares,
    each share's stored standing at the same month in a table and a chart, with how many districts
    reported the month of the city figure (or of its latest due period, before any figure)."""
    target, month = standing.target, standing.month
    if target.breakdown_of_id is not None:
        return {"breakdown_city": Target.objects.only("pk", "code", "name").get(pk=target.breakdown_of_id)}
    standings = list(
        TargetStanding.objects.filter(target__breakdown_of=target, month=month)
        .select_related("target__reporting_unit")
        .order_by("target__reporting_unit__position", "target__code")
    )
    if not standings:
        return {"breakdown": None}
    counted_month = standing.value_month or standing.due_month
    reported, total = breakdown.reported_count(standings, counted_month)
    rows = [
        {
            "share": s.target,
            "unit": s.target.reporting_unit,
            "target": s.target.wording,
            "latest": f"{format_number(s.value)}{s.target.unit_of_measure}" if s.value is not None else "",
            "month": s.value_month,
            "completion": completion_text(s),
            "status": s.status,
            "status_label": s.status_label,
        }
        for s in standings
    ]
    figure = figure_json(breakdown_figure(target, standings, month))
    return {
        "breakdown": {
            "rows": rows,
            "rule": target.share_rule,
            "rule_label": target.get_share_rule_display(),
            "combined": breakdown.combines(target),
            "reported": reported,
            "total": total,
            "counted_month": counted_month,
            "figure": json.loads(figure),
            "figure_script": figure_script(figure, "fig-breakdown"),
        }
    }
