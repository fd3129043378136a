"""A target across the years: the same target in the earlier published plans and its monthly figures.

Matching, from the target back one plan at a time: the counterpart staff chose
(`Target.counterpart_in_previous_plan`) when there is one, else the target with the same code in
the nearest earlier plan that has it (a year without it is skipped). Each counterpart is matched
the same way in turn, so a code changed once, and chosen by staff, carries on by code before it.

Each year's figures are its December standing's approved monthly values (the standing carries
every approved figure of its year). One query, whatever the number of years or of targets, with or
without an earlier plan (the page's published plans are given): the candidates in the earlier plans
(the same code, the counterparts staff chose and the targets with their codes — a few rows, not every
target of every year), each with its December standing's figures. Staff choosing a counterpart read the previous
plan's targets too (`previous_targets`, read when the form is drawn).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery

from targets.models import Target, TargetStanding
from targets.numbers import format_number
from tasks.models import Plan

YEAR_END = 12
LIGHT_FIELDS = (
    "id", "plan_id", "code", "name", "kind", "baseline", "unit_of_measure", "counterpart_in_previous_plan_id", "position",
)


@dataclass(frozen=True)
class EarlierYear:
    plan: Plan
    target: Target  # the counterpart, with LIGHT_FIELDS only
    monthly_values: dict  # {month: Decimal}: its approved figures
    year_start: Decimal | None  # a stock's start: its year-start figure, else the December figure before
    chosen_by_staff: bool = False  # matched by staff's choice, not by code

    @property
    def year_end_text(self):
        """Its December figure (12,900家), or — without one."""
        if YEAR_END not in self.monthly_values:
            return "—"
        return f"{format_number(self.monthly_values[YEAR_END])}{self.target.unit_of_measure}"

    @property
    def year(self):
        return self.plan.year

    @property
    def kind(self):
        return self.target.kind


@dataclass
class EarlierYears:
    years: list = field(default_factory=list)  # EarlierYear, newest first
    previous_plan: Plan | None = None  # the nearest earlier published plan
    previous_targets: object = ()  # its targets, for staff to choose from (a queryset, read when drawn)

    def series(self):
        """[(year, {month: value})] of the years with a figure, newest first: the chart's lines."""
        return [(year.year, year.monthly_values) for year in self.years if year.monthly_values]


def _plan_of(target, plans):
    return next((p for p in plans if p.pk == target.plan_id), None) or target.plan


def earlier_plans(target, plans=None):
    """The published plans of the years before the target's plan's, newest first, one per year."""
    plans = list(Plan.objects.published()) if plans is None else plans
    plan = _plan_of(target, plans)
    result, years = [], set()
    for candidate in sorted(plans, key=lambda p: (-p.year, p.code)):
        if candidate.year < plan.year and candidate.is_published and candidate.year not in years:
            years.add(candidate.year)
            result.append(candidate)
    return result


def _chain(target, plans, targets):
    """[(plan, counterpart, chosen by staff)] from the newest earlier plan back (see the module doc)."""
    by_code = {(t.plan_id, t.code): t for t in targets}
    by_pk = {t.pk: t for t in targets}
    chain, current, remaining = [], target, list(plans)
    while remaining:
        chosen = by_pk.get(current.counterpart_in_previous_plan_id)
        position = next((i for i, p in enumerate(remaining) if chosen and p.pk == chosen.plan_id), None)
        by_staff = position is not None
        if position is None:
            position = next((i for i, p in enumerate(remaining) if (p.pk, current.code) in by_code), None)
            if position is None:
                break
            chosen = by_code[(remaining[position].pk, current.code)]
        chain.append((remaining[position], chosen, by_staff))
        current, remaining = chosen, remaining[position + 1:]
    return chain


def _candidates(target, user, year):
    """The targets of the published plans before `year` a chain can pass through: the same code, the
    counterparts staff chose (in any plan up to `year`) and the targets with those counterparts' codes."""
    chosen = Target.objects.filter(
        plan__year__lte=year, counterpart_in_previous_plan__isnull=False
    ).values("counterpart_in_previous_plan_id")
    # By year, not by a list of plan ids: the query runs even without an earlier plan (an empty
    # list would skip it), so the page's queries are the same whatever the years stored.
    return (
        Target.objects.for_user(user)
        .filter(plan__year__lt=year, plan__in=Plan.objects.published())
        .filter(Q(code=target.code) | Q(pk__in=chosen) | Q(code__in=Target.objects.filter(pk__in=chosen).values("code")))
        .only(*LIGHT_FIELDS).order_by("plan_id", "position", "code")
        # Each candidate's figures by the standings' (target, month) index: a few lookups, where a
        # join of the standings would scan them all.
        .annotate(december_values=Subquery(
            TargetStanding.objects.filter(target=OuterRef("pk"), month=YEAR_END).values("monthly_values_json")[:1]
        ))
    )


def earlier_years(target, user, plans=None):
    """The target's counterparts in the earlier published plans with their figures (EarlierYears).

    `plans`: the published plans (the page has them: `request.published_plans`), else one query.
    """
    plans = list(Plan.objects.published()) if plans is None else plans
    earlier = earlier_plans(target, plans)
    plan_ids = {p.pk for p in earlier}
    candidates = list(_candidates(target, user, _plan_of(target, plans).year))
    figures = {t.pk: {int(m): Decimal(v) for m, v in (t.december_values or {}).items()} for t in candidates}
    targets = [t for t in candidates if t.plan_id in plan_ids]  # one per year: the plans kept
    chain = _chain(target, earlier, targets)
    years = []
    for i, (plan, counterpart, by_staff) in enumerate(chain):
        older = chain[i + 1] if i + 1 < len(chain) else None
        start = counterpart.baseline
        if start is None and older is not None and older[0].year == plan.year - 1:
            start = figures.get(older[1].pk, {}).get(YEAR_END)
        monthly = dict(sorted(figures.get(counterpart.pk, {}).items()))
        years.append(EarlierYear(plan, counterpart, monthly, start, chosen_by_staff=by_staff))
    if not earlier:
        return EarlierYears(years=years)
    previous = earlier[0]
    previous_targets = Target.objects.for_user(user).filter(plan=previous).only(*LIGHT_FIELDS).order_by("position", "code")
    return EarlierYears(years=years, previous_plan=previous, previous_targets=previous_targets)
