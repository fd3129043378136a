"""The completion chart of the overview and the unit pages: each target's completion beside the
progress expected by now, grouped by goal group / task area; on a big plan, counts per group."""

from django.utils.translation import gettext as _

from targets.charts.style import STATUS_COLOURS, TIME_COLOUR, layout, number
from targets.forecast_figures import points_wording
from targets.models import Target
from targets.numbers import format_number
from targets.progress import Status

GROUPED_ABOVE = 100  # targets: above this, the completion chart has one bar per group, not per target
NO_TASK = 99  # where a target in no goal group and no task sorts


def goal_label(section):
    return _("目标：%(title)s") % {"title": section.title}


def area_label(numeral, title):
    return _("任务：%(numeral)s%(title)s") % {"numeral": numeral, "title": title}


def group_label(target):
    """The goal group of a target, or else the task area of its first task."""
    if target.goal_section_id:
        return goal_label(target.goal_section)
    tasks = sorted(target.tasks.all(), key=lambda t: t.number)
    if tasks:
        return area_label(tasks[0].section.numeral, tasks[0].section.title)
    return _("其他")


def group_by_tasks(standing):
    """(sort key, group key, label of the group) from the target's prefetched tasks and their sections."""
    target = standing.target
    if target.goal_section_id:
        return (0, target.goal_section.number), ("goal", target.goal_section_id), lambda: group_label(target)
    first = min(target.tasks.all(), key=lambda t: t.number, default=None)
    return (
        (1, first.number if first else NO_TASK), ("task", first.section_id if first else None), lambda: group_label(target)
    )


def group_by_annotation(standing):
    """The same from the first task's number and area annotated on the row
    (targets.standing_queries.with_chart_groups): no query of tasks and sections."""
    target = standing.target
    if target.goal_section_id:
        return (0, target.goal_section.number), ("goal", target.goal_section_id), lambda: goal_label(target.goal_section)
    if standing.first_task_number is None:
        return (1, NO_TASK), ("task", None), lambda: _("其他")
    return (
        (1, standing.first_task_number), ("task", standing.first_area_id),
        lambda: area_label(standing.first_area_numeral, standing.first_area_title),
    )


def group_by_first_task(tasks, sections):
    """The same from the first task's id annotated on the row (targets.standing_queries.with_first_task)
    and the plan's `tasks` and `sections`, which the page has already."""
    tasks = {task.pk: task for task in tasks}
    sections = {section.pk: section for section in sections}

    def group_of(standing):
        target = standing.target
        if target.goal_section_id:
            return (0, target.goal_section.number), ("goal", target.goal_section_id), lambda: goal_label(target.goal_section)
        task = tasks.get(standing.first_task_id)
        area = sections.get(task.section_id) if task is not None else None
        if area is None:
            return (1, NO_TASK), ("task", None), lambda: _("其他")
        return (1, task.number), ("task", area.pk), lambda: area_label(area.numeral, area.title)

    return group_of


class _HoverWords:
    """The hover texts' wording, translated once per figure rather than once per target."""

    def __init__(self):
        self.target = _("目标：%(cmp)s %(value)s%(unit)s")
        self.latest = _("最新值（%(month)s月）：%(value)s%(unit)s")
        self.completion = _("完成率：%(c)s%%")
        self.status = _("状态：%(s)s")
        self.comparison = {value: str(label) for value, label in Target.Comparison.choices}
        self.status_label = {status.value: str(status.label) for status in Status}


def completion_figure(standing_list, group_of=group_by_tasks):
    """Overview: every target's completion % beside the progress expected by now, grouped.

    Above GROUPED_ABOVE targets (the synthetic district breakdowns), the targets of each group
    counted by status instead (`completion_by_group_figure`)."""
    keyed = []
    for s in standing_list:
        order, key, label = group_of(s)
        keyed.append(((order, s.target.position, s.target.code), key, label, s))
    keyed.sort(key=lambda item: item[0])
    rows = [item[3] for item in keyed]
    group_of_key = {}  # the label of each goal group / first task's area, translated once
    groups = []
    for _order, key, label, _s in keyed:
        if key not in group_of_key:
            group_of_key[key] = label()
        groups.append(group_of_key[key])
    month = rows[0].month if rows else 12
    if len(rows) > GROUPED_ABOVE:
        counts = {}
        for group, standing in zip(groups, rows):
            counts.setdefault(group, {status: 0 for status in Status})[Status(standing.status)] += 1
        return completion_by_group_figure(list(counts.items()), month)
    words = _HoverWords()
    names = [f"{s.target.code} {s.target.name}" for s in rows]
    # An empty first trace fixes the order of the categories (plotly takes it from the first trace
    # that names them) and puts the completion bars above the time-progress bars.
    data = [
        {
            "type": "bar",
            "orientation": "h", "y": [groups, names], "x": [None] * len(rows), "offsetgroup": "completion",
            "showlegend": False, "hoverinfo": "skip",
        }
    ]
    for status in Status:
        picked = [i for i, s in enumerate(rows) if s.status == status]
        if not picked:
            continue
        label = str(status.label)  # translated once, not once a bar
        data.append(
            {
                "type": "bar",
                "name": _("完成率·%(status)s") % {"status": status.label},
                "orientation": "h",
                "y": [[groups[i] for i in picked], [names[i] for i in picked]],
                "x": [bar_length(rows[i]) for i in picked],
                "text": [_bar_text(rows[i], label) for i in picked],
                "textposition": "outside",
                "textfont": {"size": 12},
                "cliponaxis": False,
                "marker": {"color": STATUS_COLOURS[status]},
                "offsetgroup": "completion",
                "hovertext": [_hover_target(rows[i], words) for i in picked],
                "hoverinfo": "text",
            }
        )
    expected_words = _("%(name)s<br>应完成进度 %(share)s%%（时间进度 %(time)s%%）")
    data.append(
        {
            "type": "bar",
            "name": _("应完成进度（时间进度）"),
            "orientation": "h",
            "y": [groups, names],
            # A rate is measured against its target, not against the share of the year gone.
            "x": [None if s.target.is_percent else number(s.expected_share) for s in rows],
            "marker": {"color": TIME_COLOUR},
            "offsetgroup": "time",
            "hovertext": [
                expected_words % {"name": n, "share": s.expected_share, "time": s.time_progress}
                for n, s in zip(names, rows)
            ],
            "hoverinfo": "text",
        }
    )
    highest = max([float(bar_length(s)) for s in rows] + [100.0])
    figure_layout = layout(
        _("各项指标完成率与时间进度（截至%(month)s月底）") % {"month": month},
        barmode="group",
        height=140 + 34 * len(rows),
        bargap=0.25,
        margin={"l": 20, "r": 110, "t": 100, "b": 60},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "traceorder": "normal"},
        xaxis={
            "title": {"text": _("完成率 / 时间进度（%）")},
            "ticksuffix": "%",
            "gridcolor": "#e5e9f0",
            "range": [0, highest * 1.15],
        },
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 12}},
    )
    return {"data": data, "layout": figure_layout}


def bar_length(standing):
    """Completion in percent; for a rate, its figure as a share of the target (the gap is in the label)."""
    if standing.value is None:
        return 0
    if standing.target.is_percent:
        return round(float(standing.value * 100 / standing.target.value), 1)
    return number(standing.completion)


def _bar_text(standing, status_label):
    if standing.value is None:
        return str(status_label)
    if standing.target.is_percent:
        return f"{format_number(standing.value)}%（{points_wording(standing.points)}） {status_label}"
    return f"{standing.completion}% {status_label}"


def _hover_target(standing, words=None):
    words = words or _HoverWords()
    target = standing.target
    parts = [f"{target.code} {target.name}"]
    parts.append(
        words.target
        % {
            "cmp": words.comparison.get(target.comparison, target.comparison),
            "value": format_number(target.value),
            "unit": target.unit_of_measure,
        }
    )
    if standing.value is not None:
        parts.append(
            words.latest
            % {"month": standing.value_month, "value": format_number(standing.value), "unit": target.unit_of_measure}
        )
        parts.append(words.completion % {"c": standing.completion})
    parts.append(words.status % {"s": words.status_label.get(standing.status, standing.status_label)})
    return "<br>".join(parts)


def label_groups(rows, sections, tasks):
    """[(label, {Status: count})] in the chart's order, from `targets.standing_queries.chart_group_counts`
    and the plan's sections and tasks: goal groups by number, then task areas by their first task
    (the targets counted with each task of an area, together)."""
    sections = {section.pk: section for section in sections}
    tasks = {task.pk: task for task in tasks}
    groups = {}
    for row in rows:
        goal, task = sections.get(row["goal"]), tasks.get(row["first_task"])
        if goal is not None:
            key, order, label = ("goal", goal.pk), (0, goal.number), lambda goal=goal: goal_label(goal)
        elif task is not None and task.section_id in sections:
            area = sections[task.section_id]
            key, order, label = ("task", area.pk), (1, task.number), lambda area=area: area_label(area.numeral, area.title)
        else:
            key, order, label = ("task", None), (1, NO_TASK), lambda: _("其他")
        group = groups.setdefault(key, {"order": order, "label": label, "counts": {status: 0 for status in Status}})
        group["order"] = min(group["order"], order)
        for status, n in row["counts"].items():
            group["counts"][status] += n
    ordered = sorted(groups.values(), key=lambda group: group["order"])
    return [(group["label"](), group["counts"]) for group in ordered]


def completion_by_group_figure(groups, month):
    """A plan with many targets (a district breakdown): per goal group / task area, its targets
    counted by status, one stacked bar per group. A bar per target would be thousands of pixels
    tall and megabytes of JSON; the target list (/targets/) has every target's figures.

    `groups`: [(label, {Status: count})] in the order shown (`targets.standing_queries.chart_group_counts`
    counts them in SQL)."""
    order = [label for label, _counts in groups]
    counts = dict(groups)
    totals = {group: sum(counts[group].values()) for group in order}
    hover = _("%(group)s<br>%(status)s：%(count)s项（共%(total)s项）")
    data = []
    for status in Status:
        if not any(counts[group][status] for group in order):
            continue
        label = str(status.label)
        data.append(
            {
                "type": "bar",
                "name": label,
                "orientation": "h",
                "y": order,
                "x": [counts[group][status] for group in order],
                "text": [str(counts[group][status]) if counts[group][status] else "" for group in order],
                "textposition": "inside",
                "marker": {"color": STATUS_COLOURS[status]},
                "hovertext": [
                    hover % {"group": group, "status": label, "count": counts[group][status], "total": totals[group]}
                    for group in order
                ],
                "hoverinfo": "text",
            }
        )
    figure_layout = layout(
        _("各板块指标状态（截至%(month)s月底，共%(count)s项指标，逐项见指标列表）") % {"month": month, "count": sum(totals.values())},
        barmode="stack",
        height=160 + 40 * len(order),
        bargap=0.3,
        margin={"l": 20, "r": 30, "t": 100, "b": 60},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "traceorder": "normal"},
        xaxis={"title": {"text": _("指标数（项）")}, "gridcolor": "#e5e9f0"},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 12}},
    )
    return {"data": data, "layout": figure_layout}
