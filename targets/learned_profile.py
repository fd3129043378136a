"""A monthly profile learned from earlier years: the average cumulative shape of the monthly
figures of a target's counterparts in earlier plans (targets/earlier_years.py), which staff may
adopt as the target's `monthly_profile` (targets/profile_adoption.py).

The rule, for each earlier year:
- only a year with a December figure and at least one figure before December counts;
- a cumulative flow or a count of projects: the share of month m is value(m) ÷ value(12);
- a stock: (value(m) − start) ÷ (value(12) − start), the start being that year's year-start
  figure (its own 年初基数, else the December figure of the year before); a stock without a
  start, or one that did not grow over the year, does not count;
- a rate or share has no profile (it is measured against the target itself every month): it
  learns none, and neither does a target of that kind;
- a month without a figure (a quarterly target, a month not reported) takes the share on the
  straight line between the figures around it (from 0 at the start of the year);
- each year's shares are held within 0–100.
The profile is the average of the years counted, month by month, rounded to 0.1, made
non-decreasing (a month never below the one before) and 100 in December.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from targets.models import Target

HUNDRED = Decimal(100)
ONE_PLACE = Decimal("0.1")
MONTHS = range(1, 13)


@dataclass(frozen=True)
class LearnedProfile:
    percentages: tuple  # 12 cumulative percentages (Decimal, one decimal place), December 100
    years: tuple  # the years it was learned from, oldest first

    @property
    def years_label(self):
        return years_label(self.years)

    @property
    def source_text(self):
        """依据2021–2022年月度数据: what the target keeps as the profile's source."""
        return _("依据%(years)s月度数据") % {"years": self.years_label}

    def as_stored(self):
        """The percentages as `Target.monthly_profile` keeps them (JSON numbers)."""
        return [int(p) if p == p.to_integral_value() else float(p) for p in self.percentages]


def years_label(years):
    """2021–2022年 for consecutive years, 2020、2022年 otherwise, 2022年 for one."""
    years = sorted(years)
    if not years:
        return ""
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return _("%(first)s–%(last)s年") % {"first": years[0], "last": years[-1]}
    return _("%(years)s年") % {"years": "、".join(str(y) for y in years)}


def _start_of(year):
    if year.kind == Target.Kind.STOCK:
        return year.year_start  # None: no start known, the year does not count
    return Decimal(0)


def year_shares(year):
    """{month: share in percent} of all 12 months of one earlier year, or None when it does not count.

    `year` has .kind, .monthly_values ({month: Decimal}) and .year_start (a stock's start, or None).
    """
    if year.kind == Target.Kind.RATE:
        return None
    values = year.monthly_values
    if 12 not in values or not any(m < 12 for m in values):
        return None
    start = _start_of(year)
    if start is None or values[12] - start <= 0:
        return None
    span = values[12] - start
    known = {0: Decimal(0)}
    for month, value in values.items():
        known[month] = min(max((value - start) * HUNDRED / span, Decimal(0)), HUNDRED)
    known[12] = HUNDRED
    points = sorted(known.items())
    shares = {}
    for (m0, s0), (m1, s1) in zip(points, points[1:], strict=False):
        for month in range(m0 + 1, m1 + 1):
            shares[month] = s0 + (s1 - s0) * (month - m0) / (m1 - m0)
    return shares


def learned_profile(target, earlier_years):
    """The profile learned from `earlier_years` (each with .year, .kind, .monthly_values,
    .year_start), or None for a rate or share, or when no year counts."""
    if target.kind == Target.Kind.RATE:
        return None
    counted = [(year.year, shares) for year in earlier_years if (shares := year_shares(year)) is not None]
    if not counted:
        return None
    percentages, floor = [], Decimal(0)
    for month in MONTHS:
        average = sum(shares[month] for _year, shares in counted) / len(counted)
        floor = max(floor, average.quantize(ONE_PLACE, ROUND_HALF_UP))
        percentages.append(floor)
    percentages[-1] = HUNDRED.quantize(ONE_PLACE)
    return LearnedProfile(percentages=tuple(percentages), years=tuple(sorted(year for year, _s in counted)))


def profile_note(target):
    """What the target's page says of its expected path when it follows a monthly profile:
    预期进度按2021–2022年月度曲线, or '' when it advances evenly."""
    if not target.monthly_profile:
        return ""
    if target.monthly_profile_years:  # set with its source when staff adopt a learned profile
        return _("预期进度按%(years)s月度曲线") % {"years": years_label(target.monthly_profile_years)}
    return _("预期进度按月度进度曲线")


def profile_text(profile):
    """A profile as one comparable line (8.3,16.7,…,100), '' for none: what a form carries."""
    if not profile:
        return ""
    return ",".join(format(Decimal(str(p)).normalize(), "f") for p in profile)
