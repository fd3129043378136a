"""Beside each figure of a report, its change since the unit's previous approved month ("较上月 +12.5",
"较9月 −3"): what a reviewer compares first. Only approved figures are compared, as on the dashboard."""

from django.utils.translation import gettext as _

from targets.models import TargetValue
from targets.numbers import format_number


def previous_approved(report):
    """{target_id: TargetValue}: the unit's latest approved figure of each target before the report's month."""
    previous = {}
    rows = (
        TargetValue.objects.approved()
        .filter(unit_id=report.unit_id, target__plan_id=report.plan_id, month__lt=report.month)
        .order_by("target_id", "-month")
    )
    for value in rows:
        previous.setdefault(value.target_id, value)
    return previous


def change_words(value, previous, month):
    """"较上月 +12.5" (or "较9月 +12.5" when the previous approved figure is older); "" without both."""
    if value is None or previous is None:
        return ""
    delta = value.value - previous.value
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    number = format_number(abs(delta))
    if previous.month == month - 1:
        return _("较上月 %(sign)s%(number)s") % {"sign": sign, "number": number}
    return _("较%(month)s月 %(sign)s%(number)s") % {"month": previous.month, "sign": sign, "number": number}
