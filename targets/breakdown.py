"""Districts under a city target: how the city figure follows from its district shares' figures.

A share is a Target of its own (`breakdown_of` the city target), reported by its district like any
other target. The city target's `share_rule` says what its figure is:

- 求和 (sum, the default): for each month the city target is due, the sum of the approved figures
  of the shares that have reported that month;
- 平均 (mean, for rates and shares of a whole): the mean of the figures of the shares that reported;
- 不汇总 (none): the city target's own unit reports the city figure; the shares are shown beside it.

A month in which only some districts have reported still has a city figure — the sum (or mean) of
those reported — and the page says how many: 「已报 12/17 个区」. A bureau reads the city figure as
it stands on the approved data, as it reads a late unit's target as 未报送; waiting for the last
district would hide the other sixteen. A share's figure counts only for its own month: a district
that reported February but not March adds nothing to March.

A city target with no shares, or with the rule 不汇总, keeps its own reported figures.
"""

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from targets.models import Target

VALUE_PLACES = Decimal("0.0001")  # TargetValue / TargetStanding keep four decimal places
SPLIT_PLACES = Decimal("0.01")


def combines(target):
    """Whether the target's figure is made from its shares' (when it has any)."""
    return target.share_rule != Target.ShareRule.NONE and target.breakdown_of_id is None


def combined_figure(rule, figures):
    """The city figure from the shares' figures of one month (only those reported); None without any."""
    figures = [f for f in figures if f is not None]
    if not figures or rule == Target.ShareRule.NONE:
        return None
    total = sum(figures, Decimal(0))
    if rule == Target.ShareRule.MEAN:
        total = total / len(figures)
    return total.quantize(VALUE_PLACES, ROUND_HALF_UP)


def combined_series(city, share_series):
    """{month: (figure, latest update)} of the city target at each of its due months in which a share
    reported. `share_series`: [{month: (value, updated_at)}] of each share, approved figures only."""
    by_month = {}
    for series in share_series:
        for month, (value, updated_at) in series.items():
            if city.is_due_in(month):
                by_month.setdefault(month, []).append((value, updated_at))
    return {
        month: (combined_figure(city.share_rule, [v for v, _at in rows]), max(at for _v, at in rows))
        for month, rows in sorted(by_month.items())
    }


def combining_shares(targets):
    """{share_id: (city target, share's reporting unit id)} for the city targets among `targets` whose
    figure is made from their shares — one query."""
    cities = {t.pk: t for t in targets if combines(t)}
    if not cities:
        return {}
    rows = Target.objects.filter(breakdown_of_id__in=cities).values_list("pk", "breakdown_of_id", "reporting_unit_id")
    return {pk: (cities[city_id], unit_id) for pk, city_id, unit_id in rows}


def reported_count(share_standings, month):
    """(shares with an approved figure for `month`, all shares), from their stored standings."""
    key = str(month) if month is not None else None
    reported = sum(1 for s in share_standings if key is not None and key in s.monthly_values_json)
    return reported, len(share_standings)


def even_split(city, count):
    """A starting value for each of `count` shares: the city value divided evenly (whole numbers when
    the city value is whole, at least 1; a milestone's count rounded up); a rate stays the city rate,
    since each district is held to the same rate."""
    value = city.value
    if city.kind == Target.Kind.RATE or count <= 1:
        return value
    part = value / count
    if city.kind == Target.Kind.MILESTONE:
        return max(Decimal(1), part.to_integral_value(ROUND_CEILING))
    if value == value.to_integral_value():
        return max(Decimal(1), part.to_integral_value(ROUND_HALF_UP))
    return max(SPLIT_PLACES, part.quantize(SPLIT_PLACES, ROUND_HALF_UP))


def shares_total(city, values):
    """What the shares' target values come to under the city's rule (sum, or mean for 平均)."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    rule = Target.ShareRule.SUM if city.share_rule == Target.ShareRule.NONE else city.share_rule
    return combined_figure(rule, values)


def mismatch(city, values):
    """The shares' combined target value when it differs from the city's, else None (a warning, not an error)."""
    total = shares_total(city, values)
    if total is None or total == city.value.quantize(VALUE_PLACES):
        return None
    return total
