"""The list of suspect figures (/reporting/suspect/), for bureau staff and leaders: every value of the
current plan saved despite a data-quality warning (targets/data_quality.py) and confirmed by the
unit's note, newest month first, filtered, paged and exported as xlsx (?export=xlsx).

The third of issue 19's safeguards for suspect figures, after the warning on the form and the flag
in the review queue. It reads the reasons stored with each value (TargetValue.suspect) and never
judges a figure itself.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from reporting.filtersets import SuspectValueFilterSet
from reporting.tables import SuspectValueTable
from reporting.views.lookups import current_plan
from targets.exports import export_table
from targets.models import TargetValue
from units.access import is_staff, reads_everything, require_role
from wuhan_plan.tables import CountedPaginator

SUSPECT_PER_PAGE = 50


def suspect_values(plan):
    """The plan's values saved with a data-quality warning, newest month first."""
    return (
        TargetValue.objects.filter(report__plan=plan)
        .exclude(suspect=[])
        .select_related("target", "unit", "report")
        .order_by("-month", "unit__position", "unit__code", "target__position", "target__code")
    )


@login_required
@require_GET
def suspect_list(request):
    require_role(request.user)
    if not reads_everything(request.user):
        raise PermissionDenied
    plan = current_plan()
    filterset = SuspectValueFilterSet(request.GET or None, queryset=suspect_values(plan), plan=plan)
    table = SuspectValueTable(filterset.qs)
    if request.GET.get("export") == "xlsx":  # every row that passes the filters
        RequestConfig(request, paginate=False).configure(table)
        return export_table(request, table, _("存疑数值-%(year)s.xlsx") % {"year": plan.year}, _("存疑数值"))
    count = filterset.qs.count()
    pages = {"per_page": SUSPECT_PER_PAGE, "paginator_class": CountedPaginator, "count": count}
    RequestConfig(request, paginate=pages).configure(table)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    export_query["export"] = "xlsx"
    context = {
        "plan": plan, "filter": filterset, "table": table, "count": count,
        "export_query": export_query.urlencode(), "can_review": is_staff(request.user),
    }
    return render(request, "reporting/suspect.html", context)
