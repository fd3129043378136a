"""The overview (/), the target list (/targets/) and a target's page (/targets/<id>/).

Each page's figures and tables are rendered once per plan data version and cached (targets.cache);
a request that hits the cache runs the version query and renders the page around the fragments.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.html import json_script
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from reports.exports import export_table
from targets import charts
from targets.asof import as_of_month
from targets.cache import cached, query_key
from targets.dashboard import (
    current_plan,
    last_updates,
    late_units,
    open_coordination,
    page_context,
    plan_target_list,
    plan_task_list,
    plan_targets,
    plan_tasks,
    section_summary,
    standing_map,
    task_status_map,
)
from targets.filtersets import TargetFilterSet
from targets.models import Target, TargetValue
from targets.progress import STATUS_ORDER, Status, count_by_status, format_number, standings
from targets.tables import (
    CoordinationTable,
    MonthlyValueTable,
    SectionSummaryTable,
    TargetRow,
    TargetTable,
    target_text,
)
from tasks.reporting import local_today
from units.access import get_object_for_user, require_role

TARGETS_PER_PAGE = 50


def _status_cards(counts):
    return [{"code": s.value, "label": s.label, "count": counts[s]} for s in STATUS_ORDER]


def _overview_tables(plan, month):
    """The overview's data and its two tables (the figures the page shows, before caching)."""
    targets = plan_target_list(plan, tasks=False)
    tasks = plan_task_list(plan, targets)  # also sets each target's tasks
    standing_list = standings(targets, month)
    by_target = standing_map(standing_list)
    status_by_task = task_status_map(plan, tasks, month, by_target)
    open_items = list(open_coordination(plan, month))
    summary = SectionSummaryTable(section_summary(plan, targets, tasks, by_target, status_by_task, open_items))
    coordination = CoordinationTable(open_items, prefix="c-")
    return targets, standing_list, tasks, status_by_task, summary, coordination


def _overview_page(request, plan, month):
    """Everything the overview shows, rendered: cached per plan, data version, month, day and query."""
    targets, standing_list, tasks, status_by_task, summary, coordination = _overview_tables(plan, month)
    RequestConfig(request, paginate={"per_page": 15}).configure(coordination)  # the export has them all
    task_counts = {s: 0 for s in STATUS_ORDER}
    for status in status_by_task.values():
        task_counts[Status(status)] += 1
    behind_tasks = [t for t in tasks if status_by_task[t.pk] in (Status.BEHIND, Status.SERIOUSLY_BEHIND)]
    figure = charts.as_json(charts.completion_figure(standing_list))
    return {
        "target_cards": _status_cards(count_by_status(standing_list)),
        "task_cards": _status_cards(task_counts),
        "target_total": len(targets),
        "task_total": len(tasks),
        "late_units": late_units(plan, month),
        "behind_tasks": [
            ({"number": t.number, "title": t.title}, Status(status_by_task[t.pk])) for t in behind_tasks
        ],
        "completion_figure_json": json.dumps(figure, cls=DjangoJSONEncoder),
        "completion_figure_script": json_script(figure, "fig-completion"),
        "summary_html": summary.as_html(request),
        "coordination_html": coordination.as_html(request),
    }


@login_required
@require_GET
def overview(request):
    require_role(request.user)
    plan = current_plan()
    as_of = as_of_month(request, plan)
    month = as_of.month
    export = request.GET.get("export")
    if export in ("sections", "coordination"):
        summary, coordination = _overview_tables(plan, month)[-2:]
        if export == "sections":
            return export_table(request, summary, _("板块汇总-%(month)s月.xlsx") % {"month": month}, _("板块汇总"))
        return export_table(request, coordination, _("待协调事项-%(month)s月.xlsx") % {"month": month}, _("待协调事项"))
    page = cached(
        plan, ("overview", month, local_today(), query_key(request)), lambda: _overview_page(request, plan, month), request
    )
    context = page_context(
        request,
        plan,
        as_of,
        **page,
        completion_figure=SimpleLazyObject(lambda: json.loads(page["completion_figure_json"])),
    )
    return render(request, "targets/overview.html", context)


def _target_table(request, plan, month, paginate):
    # The table shows no task: no prefetch of the targets' tasks (90 ms on a 774-target plan).
    filterset = TargetFilterSet(request.GET or None, queryset=plan_targets(plan).prefetch_related(None), plan=plan)
    targets = list(filterset.qs)
    updates = last_updates(targets, month)
    rows = [TargetRow(s, updates.get(s.target.pk)) for s in standings(targets, month)]
    if filterset.picked_status:
        rows = [r for r in rows if r.standing.status == filterset.picked_status]
    table = TargetTable(rows)
    RequestConfig(request, paginate={"per_page": TARGETS_PER_PAGE} if paginate else False).configure(table)
    return filterset, rows, table


@login_required
@require_GET
def target_list(request):
    require_role(request.user)
    plan = current_plan()
    as_of = as_of_month(request, plan)
    if request.GET.get("export") == "xlsx":  # the export has every row that passes the filters
        table = _target_table(request, plan, as_of.month, paginate=False)[2]
        return export_table(request, table, _("指标-%(month)s月.xlsx") % {"month": as_of.month}, _("指标"))
    built = {}

    def build():
        built["parts"] = filterset, rows, table = _target_table(request, plan, as_of.month, paginate=True)
        # The filter form (57 options, each rendered through a template) is the same for
        # every sort and page of one filter: kept apart, so that a new sort or page reuses it.
        filters_key = ("target-filters", query_key(request, ignore=("export", "sort", "page")))
        filter_html = cached(
            plan, filters_key, lambda: render_to_string("targets/_filter_fields.html", {"filter": filterset}, request), request
        )
        return {
            "filter_fields_html": filter_html,
            "table_html": table.as_html(request),
            "status_cards": _status_cards(count_by_status([r.standing for r in rows])),
        }

    def parts():  # for code that reads the context (tests): the filterset and table the page shows
        if "parts" not in built:
            build()
        return built["parts"]

    page = cached(plan, ("targets", as_of.month, query_key(request)), build, request)
    context = page_context(
        request,
        plan,
        as_of,
        **page,
        filter=SimpleLazyObject(lambda: parts()[0]),
        table=SimpleLazyObject(lambda: parts()[2]),
    )
    return render(request, "targets/target_list.html", context)


@login_required
@require_GET
def target_detail(request, pk):
    require_role(request.user)
    plan = current_plan()
    target = get_object_for_user(
        Target.objects.filter(plan=plan).select_related("reporting_unit", "goal_section"), request.user, pk=pk
    )
    as_of = as_of_month(request, plan)
    if request.GET.get("export") == "xlsx":
        table = _target_detail(request, target, as_of.month)[1]
        return export_table(request, table, _("%(code)s-月度数值.xlsx") % {"code": target.code}, target.code)

    def build():
        standing, table = _target_detail(request, target, as_of.month)
        figure = charts.as_json(charts.target_figure(standing))
        return {
            "standing": standing,
            "tasks": list(target.tasks.select_related("section").order_by("number")),
            "figure_json": json.dumps(figure, cls=DjangoJSONEncoder),
            "figure_script": json_script(figure, "fig-target"),
            "table_html": table.as_html(request),
            "forecast_statement": standing.forecast.statement(target) if standing.forecast else "",
            "target_text": target_text(target),
            "latest_value": format_number(standing.value),
        }

    page = cached(plan, ("target", target.pk, as_of.month, query_key(request)), build, request)
    context = page_context(
        request,
        plan,
        as_of,
        target=target,
        **page,
        figure=SimpleLazyObject(lambda: json.loads(page["figure_json"])),
        table=SimpleLazyObject(lambda: _target_detail(request, target, as_of.month)[1]),
    )
    return render(request, "targets/target_detail.html", context)


def _target_detail(request, target, month):
    """The target's standing at `month` and the table of its approved monthly values."""
    (standing,) = standings([target], month)
    values = list(
        TargetValue.objects.approved()
        .filter(target=target, unit=target.reporting_unit_id, month__lte=month)
        .select_related("report__submitted_by", "report__reviewed_by", "updated_by")
        .order_by("month")
    )
    for value in values:
        value.target = target  # the table renders completion and status without a query per row
    table = MonthlyValueTable(values)
    return standing, table
