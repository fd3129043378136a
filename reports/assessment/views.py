"""The assessment pages (/reports/assessment/).

- the ranking (?month=N or ?quarter=Q, ?export=xlsx): staff and leaders see every reporting unit; a
  liaison sees its own unit's row only — its total, points and rank among all units, not another
  unit's score;
- a unit's events (/reports/assessment/<code>/): per component, what earned or lost points, with
  links; another unit's page is a 404 for a liaison;
- the rules (/reports/assessment/rules/): the weights and parameters, changed by staff only.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_tables2 import RequestConfig

from reporting.services import EditConflict
from reports.assessment.periods import QUARTER_NAMES, period_from
from reports.assessment.rules import score_units
from reports.assessment.tables import AssessmentTable
from reports.assessment.weights import FIELDS, RulesForm, save_rules
from reports.models import AssessmentRules
from targets.dashboard import current_plan
from targets.exports import export_table
from tasks.calendar import local_today
from units.access import editable_unit_ids, is_staff, reads_everything, require_role, require_staff


def _visible(user, scores):
    """Staff and leaders see every unit's score; a liaison its own unit's only."""
    if reads_everything(user):
        return scores
    own = editable_unit_ids(user)
    return [score for score in scores if score.unit.pk in own]


def _scores(request):
    require_role(request.user)
    plan = current_plan(request)
    period = period_from(request, plan)
    rules = AssessmentRules.current()
    scores, data = score_units(plan, period.months, rules, local_today())
    suffix = f"?{period.query}&plan={plan.code}"
    for score in scores:
        score.url = reverse("assessment:unit", args=[score.unit.code]) + suffix
    return plan, period, rules, scores, data


def _rules_shown(rules):
    """(label, value) of each weight and parameter, as the pages show them."""
    return [(AssessmentRules._meta.get_field(name).verbose_name, getattr(rules, name)) for name in FIELDS]


def _period_choices():
    """(months, quarters) for the period pickers: [(number, label)]."""
    months = [(m, _("%(month)s月") % {"month": m}) for m in range(1, 13)]
    quarters = [(q, _("第%(quarter)s季度") % {"quarter": QUARTER_NAMES[q]}) for q in range(1, 5)]
    return months, quarters


@login_required
@require_GET
def ranking(request):
    plan, period, rules, scores, data = _scores(request)
    table = AssessmentTable(_visible(request.user, scores), rules=rules)
    RequestConfig(request, paginate=False).configure(table)
    if request.GET.get("export") == "xlsx":
        return export_table(request, table, _("考核评比-%(period)s.xlsx") % {"period": period.label}, _("考核评比"))
    return render(request, "assessment/ranking.html", {
        "plan": plan, "period": period, "rules": rules, "rules_shown": _rules_shown(rules), "table": table,
        "unit_count": len(scores), "judged_month": data.judged_month, "period_choices": _period_choices(),
        "any_month_due": data.any_month_due,
        "can_edit_rules": is_staff(request.user), "sees_all": reads_everything(request.user),
    })


@login_required
@require_GET
def unit_detail(request, code):
    plan, period, rules, scores, data = _scores(request)
    shown = [score for score in _visible(request.user, scores) if score.unit.code == code]
    if not shown:
        raise Http404
    return render(request, "assessment/unit.html", {
        "plan": plan, "period": period, "rules": rules, "score": shown[0], "unit_count": len(scores),
        "components": list(shown[0].components.values()), "judged_month": data.judged_month,
        "back": reverse("assessment:ranking") + f"?{period.query}&plan={plan.code}",
    })


@login_required
@require_http_methods(["GET", "POST"])
def rules_edit(request):
    require_staff(request.user)
    rules = AssessmentRules.current()
    status = 200
    if request.method == "POST":
        form = RulesForm(request.POST, instance=AssessmentRules.current())
        if form.is_valid():
            try:
                save_rules(form, request.user)
            except EditConflict as conflict:
                messages.error(request, str(conflict))
                status = 409
            else:
                messages.success(request, _("考核评比规则已保存。"))
                return redirect("assessment:rules")
        else:
            status = 400
    else:
        form = RulesForm(instance=rules)
    history = []
    if not rules._state.adding:
        for row in rules.history.select_related("history_user").order_by("-history_date", "-history_id"):
            history.append({"row": row, "values": [getattr(row, name) for name in FIELDS]})
    labels = [AssessmentRules._meta.get_field(name).verbose_name for name in FIELDS]
    return render(request, "assessment/rules.html", {"form": form, "rules": rules, "history": history,
                                                     "labels": labels}, status=status)
