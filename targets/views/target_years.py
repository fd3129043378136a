"""What a target's page shows of the same target in earlier years: their lines on its chart, the
counterparts it is matched with (staff may choose the previous year's), and for staff the monthly
profile learned from those years, to adopt or to return to even pace.

The earlier years are read in two queries, however many (targets/earlier_years.py), none without
an earlier published plan; the learned profile is computed from them, with no query of its own.
"""

from dataclasses import dataclass

from targets.charts.style import figure_script
from targets.charts.target import profile_figure
from targets.counterpart import CounterpartForm
from targets.earlier_years import earlier_years
from targets.learned_profile import learned_profile, profile_note
from targets.profile_adoption import AdoptProfileForm, RevertProfileForm
from units.access import is_staff

ADOPT_PREFIX = "adopt"
REVERT_PREFIX = "revert"


@dataclass(frozen=True)
class TargetYears:
    series: list  # [(year, {month: value})]: the chart's earlier-year lines
    context: dict  # for templates/targets/_earlier_years.html and _learned_profile.html


def adopt_form(target, profile, data=None):
    return AdoptProfileForm(data, target=target, profile=profile, prefix=ADOPT_PREFIX)


def revert_form(target, data=None):
    return RevertProfileForm(data, target=target, prefix=REVERT_PREFIX)


def counterpart_form(target, years, data=None):
    return CounterpartForm(data, target=target, years=years)


def target_years(request, target, forms=None, years=None):
    """The page's earlier years and, for staff, its forms; `forms` ({"counterpart"|"adopt"|"revert":
    form}) are the ones a refused POST shows again with their errors."""
    forms = forms or {}
    years = years or earlier_years(target, request.user, getattr(request, "published_plans", None))
    context = {"earlier": years, "profile_note": profile_note(target)}
    if is_staff(request.user):
        if years.previous_plan:
            context["counterpart_form"] = forms.get("counterpart") or counterpart_form(target, years)
        learned = learned_profile(target, years.years)
        if learned:
            context["learned_profile"] = learned
            context["learned_months"] = list(zip(range(1, 13), learned.percentages, strict=True))
            context["profile_figure"] = figure = profile_figure(target, learned)
            context["profile_figure_script"] = figure_script(figure, "fig-learned-profile")
            context["adopt_form"] = forms.get("adopt") or adopt_form(target, learned)
        elif "adopt" in forms:  # refused because nothing can be learned: the block says why
            context["adopt_form"] = forms["adopt"]
        if target.monthly_profile or "revert" in forms:
            context["revert_form"] = forms.get("revert") or revert_form(target)
    return TargetYears(series=years.series(), context=context)
