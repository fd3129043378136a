"""Breaking a draft plan's city target down into district shares: the one write path of the
breakdown page (targets/views/breakdown.py). Each save keeps a django-simple-history version with
its user; the rule combining the shares is targets/breakdown.py.

A share starts as a copy of its city target's terms — kind, frequency, comparison, unit of
measure, goal group, monthly profile, source text — with an even split of the target value
(`breakdown.even_split`), reported by its district. It is linked to no task: the city target
stands for the districts in its tasks' status, and a share's page links to its city target.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from targets.breakdown import even_split
from targets.models import Target

SHARE_REASON = "分解到各区"
NAME_MAX = Target._meta.get_field("name").max_length


def refusal(city):
    """Why `city` cannot be broken down on the page, or ''."""
    if city.plan.is_published:
        return _("已发布的工作要点不能在此分解指标；请在草稿中分解，或逐项修改分区指标。")
    if city.breakdown_of_id is not None:
        return _("这是分区指标，不能再分解。")
    return ""


def _save(target, user):
    target._history_user = user
    target._change_reason = SHARE_REASON
    target.full_clean(exclude=["tasks"], validate_unique=False, validate_constraints=False)
    target.save()


def share_code(city, index):
    return f"{city.code}.{index:02d}"


def share_name(city, unit):
    return f"{city.name}（{unit.name}）"[:NAME_MAX]


@transaction.atomic
def create_shares(city, units, *, share_rule, codes, user):
    """Create a share of `city` for each of `units` (none of which has one yet), `codes` giving each
    unit's share code; every share (old and new) starts from the even split only when it is new.
    Raises ValidationError (nothing saved) when a code or name is already used in the plan."""
    city = Target.objects.select_for_update().select_related("plan").get(pk=city.pk)
    problem = refusal(city)
    if problem:
        raise ValidationError(problem)
    existing = set(city.shares.values_list("reporting_unit_id", flat=True))
    units = [unit for unit in units if unit.pk not in existing]
    count = len(existing) + len(units)
    wanted = {codes[unit.pk]: unit for unit in units}
    names = {share_name(city, unit) for unit in units}
    taken = Target.objects.filter(plan=city.plan).filter(code__in=list(wanted)).values_list("code", flat=True)
    taken_names = Target.objects.filter(plan=city.plan, name__in=names).values_list("name", flat=True)
    clashes = sorted(set(taken)) + sorted(set(taken_names))
    if clashes:
        raise ValidationError(_("编号或名称已被本工作要点的其他指标使用：%(items)s") % {"items": "、".join(clashes)})
    if city.share_rule != share_rule:
        city.share_rule = share_rule
        city._history_user = user
        city._change_reason = SHARE_REASON
        city.save(update_fields=["share_rule"])
    created = []
    value = even_split(city, count)
    for code, unit in wanted.items():
        share = Target(
            plan=city.plan, breakdown_of=city, code=code, name=share_name(city, unit), value=value,
            unit_of_measure=city.unit_of_measure, comparison=city.comparison,
            comparison_wording=city.comparison_wording, kind=city.kind, goal_section_id=city.goal_section_id,
            reporting_unit=unit, source_text=city.source_text, position=city.position, frequency=city.frequency,
            frequency_reason=city.frequency_reason, monthly_profile=city.monthly_profile,
        )
        _save(share, user)
        created.append(share)
    return created


@transaction.atomic
def save_shares(city, *, share_rule, values, user):
    """Set the city's rule and each share's target value (`values`: {share pk: Decimal}), all or none."""
    city = Target.objects.select_for_update().select_related("plan").get(pk=city.pk)
    problem = refusal(city)
    if problem:
        raise ValidationError(problem)
    if city.share_rule != share_rule:
        city.share_rule = share_rule
        city._history_user = user
        city._change_reason = SHARE_REASON
        city.save(update_fields=["share_rule"])
    for share in city.shares.select_for_update().filter(pk__in=list(values)):
        if share.value != values[share.pk]:
            share.value = values[share.pk]
            _save(share, user)
    return city
