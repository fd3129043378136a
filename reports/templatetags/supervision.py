"""Urging notices where a unit is shown: the liaison's home, the unit page, the overview.

Those pages belong to lower layers (reporting, targets) that may not import reports; they load
these tags, which read the notices through UrgingNotice.objects.for_user — one query each.
"""

from django import template
from django.db.models import Count

from reports.models import UrgingNotice

register = template.Library()


@register.inclusion_tag("supervision/_open_notices.html", takes_context=True)
def open_notices(context, unit):
    """The open notices to `unit` the viewer may see (another unit's liaison sees none)."""
    user = context["request"].user
    notices = list(UrgingNotice.objects.for_user(user).open().filter(unit=unit).select_related("plan", "unit", "target")
                   .order_by("deadline", "pk"))
    return {"notices": notices}


@register.inclusion_tag("supervision/_notice_counts.html", takes_context=True)
def open_notice_counts(context):
    """The open notices the viewer may see, counted by kind (催办单 orange, 督办单 red): one query."""
    user = context["request"].user
    counts = dict(UrgingNotice.objects.for_user(user).open().values_list("kind").annotate(n=Count("id"))
                  .order_by("kind").values_list("kind", "n"))
    return {"counts": [(kind, counts.get(kind, 0)) for kind in UrgingNotice.Kind], "total": sum(counts.values())}
