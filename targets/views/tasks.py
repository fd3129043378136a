"""Task pages: /tasks/ (every task with its status) and /tasks/<n>/ (one task of the plan, n = 1–22)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, JSONField, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.http import Http404
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from targets.asof import as_of_month
from targets.charts.style import figure_script
from targets.charts.target import TargetFigureWords, target_figure
from targets.dashboard import current_plan, open_coordination_counts, page_context
from targets.exports import export_table
from targets.models import Status, TargetStanding, TaskStanding
from targets.standing_queries import in_plan_order, target_standings, task_standings
from targets.tables.targets import TargetTable
from targets.tables.tasks import ProgressTable, TaskRow, TaskTable
from tasks.models import MonthlyReport, ProgressReport, TaskAssignment
from tasks.reporting import units_assigned_to_task
from units.access import editable_unit_ids, reads_everything, require_role
from wuhan_plan.tables import CountedPaginator, Links, cell_html

# Narratives per page on a task's page, the latest months first: about one month of every unit a task
# names (most name 18–24), each with three paragraphs; the export has all.
PROGRESS_PER_PAGE = 25
# Targets (table rows and their small charts) per page of a task's page: a task of the real plan has
# at most nine; one broken down to every district has hundreds, too many charts for one screen.
TASK_TARGETS_PER_PAGE = 30
# What the progress table shows of a narrative (targets.tables.tasks.ProgressTable): its page reads only these.
PROGRESS_TABLE_FIELDS = (
    "report__unit__name", "report__unit__code", "report__month", "report__status", "task_id", "self_status",
    "work_done", "problems", "next_steps", "needs_coordination", "coordination_matter", "coordination_closed",
)


def visible_progress(user, queryset):
    """Progress reports the user may read: approved ones of every unit; bureau staff and leaders
    also see submitted and returned ones; a liaison also sees everything of its own unit."""
    if reads_everything(user):
        return queryset.exclude(report__status=MonthlyReport.Status.DRAFT)
    return queryset.filter(Q(report__status=MonthlyReport.Status.APPROVED) | Q(report__unit_id__in=editable_unit_ids(user)))


def _task_list_table(request, plan, month, query):
    """The task table at `month`: every task with its stored standing and open coordination matters.

    Constant queries: the tasks with their sections, the names of their units (plain rows: a plan
    that assigns every unit to every task has a thousand assignments), their stored standings, and
    the open coordination matters (task ids only).
    """
    standings = task_standings(plan, month)
    tasks = list(plan.tasks.select_related("section").annotate(target_count=Count("targets")).order_by("number"))
    unit_names = {}
    assignments = TaskAssignment.objects.filter(task__plan=plan).order_by("task", "role", "position")
    for task_id, role, name in assignments.values_list("task_id", "role", "unit__name"):
        unit_names.setdefault(task_id, {}).setdefault(role, []).append(name)
    open_counts = open_coordination_counts(plan, month)
    rows = [TaskRow(t, standings.get(t.pk), open_counts.get(t.pk, 0), query, unit_names.get(t.pk, {})) for t in tasks]
    table = TaskTable(rows)
    RequestConfig(request, paginate=False).configure(table)
    return table


@login_required
@require_GET
def task_list(request):
    require_role(request.user)
    plan = current_plan(request)
    as_of = as_of_month(request, plan)
    table = _task_list_table(request, plan, as_of.month, as_of.query)
    if request.GET.get("export") == "xlsx":
        return export_table(request, table, _("重点任务-%(month)s月.xlsx") % {"month": as_of.month}, _("重点任务"))
    return render(request, "tasks/task_list.html", page_context(request, plan, as_of, table=table))


@login_required
@require_GET
def task_detail(request, number):
    require_role(request.user)
    plan = current_plan(request)
    as_of = as_of_month(request, plan)
    # The task with its stored standing at the month shown, in one query.
    standing = TaskStanding.objects.filter(task=OuterRef("pk"), month=as_of.month)
    task = (
        plan.tasks.select_related("section").filter(number=number)
        .annotate(
            standing_status=Subquery(standing.values("status")[:1]),
            standing_flags=Subquery(standing.values("flags")[:1], output_field=JSONField()),
            # How many rows its target table has (its pages need no COUNT query of their own).
            target_rows=Subquery(
                TargetStanding.objects.filter(plan=plan, month=as_of.month, target__tasks=OuterRef("pk"))
                .order_by().values("month").annotate(n=Count("id")).values("n")[:1]
            ),
        )
        .first()
    )
    if task is None:
        raise Http404
    export = request.GET.get("export")
    if export == "xlsx":
        progress_table = ProgressTable(_visible_task_progress(request, plan, task, as_of.month))
        return export_table(
            request, progress_table, _("任务%(number)s-月度进展.xlsx") % {"number": task.number},
            _("任务%(number)s") % {"number": task.number},
        )
    if export == "targets":
        target_table = TargetTable(_task_targets(plan, task, as_of.month), prefix="t-")
        RequestConfig(request, paginate=False).configure(target_table)
        return export_table(
            request, target_table, _("任务%(number)s-指标.xlsx") % {"number": task.number},
            _("任务%(number)s指标") % {"number": task.number},
        )
    page = _task_page(request, plan, task, as_of.month, as_of.query)
    return render(request, "tasks/task_detail.html", page_context(request, plan, as_of, task=task, **page))


def _task_targets(plan, task, month):
    return target_standings(plan, month).filter(target__tasks=task)


def _visible_task_progress(request, plan, task, month):
    """The narratives on `task` up to `month` the user may read, the latest months first."""
    return list(
        visible_progress(
            request.user,
            ProgressReport.objects.filter(task=task, report__plan=plan, report__month__lte=month),
        )
        .select_related("report__unit")
        .order_by("-report__month", "report__unit__position")
    )


def _task_page(request, plan, task, month, query):
    """Everything the task page shows for this reader: its stored standing, targets, narratives and grid.

    Constant queries. The narratives are read twice rather than loaded as objects (a task of the
    scale plan has hundreds): one query of plain values for the grid and the coordination matters
    (which also counts them for the table's pages), and the one page of the table.
    """
    prefetch_related_objects(
        [task], Prefetch("assignments", queryset=TaskAssignment.objects.select_related("unit")), "assignments__unit__members"
    )
    target_table = TargetTable(_task_targets(plan, task, month), prefix="t-")
    pages = {"per_page": TASK_TARGETS_PER_PAGE, "paginator_class": CountedPaginator, "count": task.target_rows or 0}
    RequestConfig(request, paginate=pages).configure(target_table)
    # The page's rows (the table's one query, whatever its sort) feed the page's charts, in plan order.
    standing_list = in_plan_order([row.record for row in target_table.page.object_list])
    visible = visible_progress(
        request.user, ProgressReport.objects.filter(task=task, report__plan=plan, report__month__lte=month)
    )
    order = ("-report__month", "report__unit__position", "pk")
    rows = list(
        visible.order_by(*order).values_list(
            "report__unit_id", "report__month", "self_status", "report__status", "needs_coordination",
            "report__unit__name", "coordination_matter", "coordination_closed",
        )
    )
    by_cell = {(unit_id, m): (self_status, status, flag) for unit_id, m, self_status, status, flag, *_rest in rows}
    progress_table = ProgressTable(
        visible.select_related("report__unit").order_by(*order).only(*PROGRESS_TABLE_FIELDS)
    )
    paginate = {"per_page": PROGRESS_PER_PAGE, "paginator_class": CountedPaginator, "count": len(rows)}
    RequestConfig(request, paginate=paginate).configure(progress_table)
    units = units_assigned_to_task(task.assignments.all())
    months = list(range(1, month + 1))
    labels = _CellLabels()
    links = Links()  # a task of the scale plan links 144 targets and dozens of units
    grid = [_grid_row(unit, [by_cell.get((unit.pk, m)) for m in months], query, labels, links) for unit in units]
    # The matters flagged 需市级协调, from the same rows (what the list shows of each, as a dict).
    coordination = [
        {
            "report": {"unit": {"name": unit_name}, "month": m},
            "coordination_matter": matter, "coordination_closed": closed,
        }
        for _unit_id, m, _self, _status, flag, unit_name, matter, closed in rows if flag
    ]
    words = TargetFigureWords()
    status_labels = {status.value: str(status.label) for status in Status}
    return {
        "status": Status(task.standing_status),  # annotated by task_detail
        "status_flags": task.standing_flags,
        "lead_units": task.lead_units(),
        "responsible_units": task.responsible_units(),
        "target_charts": [_chart_card(s, words, status_labels, query, links) for s in standing_list],
        "target_table": target_table if standing_list else None,
        "progress_table": progress_table,
        "months": months,
        "grid": grid,
        "coordination": coordination,
    }


# The task page's repeated parts — a chart card per target, a grid row per unit — are written here
# in one pass each rather than by template loops (hundreds of lookups per card, thousands per grid).
CHART_CARD = (
    '<div class="card chart-card">\n'
    '  <p class="chart-caption"><a href="{}?{}">{} {}</a>\n'
    '    <span class="status status-{}">{}</span></p>\n'
    '  <div class="plotly-chart small" data-figure="{}" role="img" aria-label="{}"></div>\n'
    "  {}\n"
    "</div>\n"
)


def _chart_card(standing, words, status_labels, query, links):
    """{"target": pk, code and name, "html": the card with its small chart} of one target."""
    target = standing.target
    figure_id = f"fig-target-{target.pk}"
    script = figure_script(target_figure(standing, small=True, words=words), figure_id)
    html = format_html(
        CHART_CARD, links("targets:detail", target.pk), query, target.code, target.name,
        standing.status, status_labels[standing.status], figure_id, target.name, script,
    )
    return {"target": {"pk": target.pk, "code": target.code, "name": target.name}, "html": html}


def _grid_row(unit, cells, query, labels, links):
    """{"unit": unit, "html": its row of the month-by-month grid}; `cells` are (self-assessment,
    report status, needs coordination) or None per month."""
    parts = [
        cell_html('<tr><th scope="row"><a href="{}?{}">{}</a></th>', links("units:detail", unit.code), query, unit.name)
    ]
    for values in cells:
        cell = _grid_cell(values, labels)
        flag = labels.coordination_flag if cell.get("flag") else ""
        parts.append(cell_html('<td class="self-{}">{}{}</td>', cell["code"], cell["label"], flag))
    parts.append("</tr>")
    return {"unit": unit, "html": mark_safe("".join(parts))}  # each part escaped by cell_html


class _CellLabels:
    """The grid's labels, translated once per page rather than once per cell."""

    def __init__(self):
        self.self_status = {value: str(label) for value, label in ProgressReport._meta.get_field("self_status").flatchoices}
        self.report_status = {value: str(label) for value, label in MonthlyReport.Status.choices}
        self.reported = _("已报送")
        self.with_status = _("%(label)s（%(status)s）")
        self.coordination_flag = format_html(' <span class="flag-coord">{}</span>', _("需协调"))


def _grid_cell(values, labels):
    """One month of one unit in the grid, from (self-assessment, report status, needs coordination):
    its self-assessment, or the report status if not approved."""
    if values is None:
        return {"code": "none", "label": "—"}
    self_status, report_status, flag = values
    label = labels.self_status.get(self_status, self_status) or labels.reported
    if report_status != MonthlyReport.Status.APPROVED:
        status = labels.report_status.get(report_status, report_status)
        label = labels.with_status % {"label": label, "status": status}
    return {"code": self_status or "none", "label": label, "flag": flag}
