"""Plotly figures for the dashboard, built in Python and rendered by static/js/charts.js.

The figures are plain dicts in plotly's JSON schema (`{"data": [...], "layout": {...}}`), not
plotly.graph_objects: those validate every property and cost 30–40 ms a figure on the real plan
and about a second for the 774-target completion chart of the scale dataset.

Every figure has a Chinese title, axis titles with units, hover text with exact values,
and colours that always come with a text label (legend entry or text on the mark).
"""

import json
from decimal import Decimal

from django.utils.translation import gettext as _

from targets.expected_path import baseline_of, expected_value_for
from targets.forecast import forecast_path
from targets.forecast_figures import points_wording
from targets.models import Target
from targets.numbers import format_number
from targets.progress import Status
from tasks.reporting import SubmissionState

FONT = '"Noto Sans CJK SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif'
STATUS_COLOURS = {
    Status.DONE: "#1b7f3b",
    Status.ON_TRACK: "#2f6fbd",
    Status.BEHIND: "#c77700",
    Status.SERIOUSLY_BEHIND: "#b3261e",
    Status.NOT_REPORTED: "#6b7280",
    Status.NOT_DUE: "#b8bec9",
}
TIME_COLOUR = "#9aa5b8"
GROUPED_ABOVE = 100  # targets: above this, the completion chart has one bar per group, not per target
STATE_ORDER = [
    SubmissionState.APPROVED,
    SubmissionState.ON_TIME,
    SubmissionState.LATE,
    SubmissionState.RETURNED,
    SubmissionState.MISSING,
    SubmissionState.NOT_DUE,
]
STATE_COLOURS = {
    SubmissionState.APPROVED: "#b9e0c4",
    SubmissionState.ON_TIME: "#c4d9f2",
    SubmissionState.LATE: "#f8d38f",
    SubmissionState.RETURNED: "#f2b8b2",
    SubmissionState.MISSING: "#e0837a",
    SubmissionState.NOT_DUE: "#eceef2",
}


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    return str(value)  # lazy translations, enum labels


def as_json(fig):
    """The figure as plain JSON data for json_script (no Decimal, no lazy string)."""
    return json.loads(json.dumps(fig, default=_json_default))


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def _layout(title, **kwargs):
    layout = {
        "title": {"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 17}},
        "font": {"family": FONT, "size": 13, "color": "#1d2430"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 70, "r": 30, "t": 60, "b": 60},
        "hoverlabel": {"font": {"family": FONT}},
        "autosize": True,
    }
    layout.update(kwargs)
    return layout


def group_label(target):
    """The goal group of a target, or else the task area of its first task."""
    if target.goal_section_id:
        return _("目标：%(title)s") % {"title": target.goal_section.title}
    tasks = sorted(target.tasks.all(), key=lambda t: t.number)
    if tasks:
        return _("任务：%(numeral)s%(title)s") % {"numeral": tasks[0].section.numeral, "title": tasks[0].section.title}
    return _("其他")


def completion_figure(standing_list):
    """Overview: every target's completion % beside the progress expected by now, grouped.

    Above GROUPED_ABOVE targets (the synthetic district breakdowns), the targets of each group
    counted by status instead (`_completion_by_group`)."""
    rows = sorted(
        standing_list,
        key=lambda s: (
            0 if s.target.goal_section_id else 1,
            s.target.goal_section.number if s.target.goal_section_id else min((t.number for t in s.target.tasks.all()), default=99),
            s.target.position,
            s.target.code,
        ),
    )
    group_of = {}  # the label of each goal group / first task's area, translated once
    groups = []
    for s in rows:
        target = s.target
        if target.goal_section_id:
            key = ("goal", target.goal_section_id)
        else:
            first = min(target.tasks.all(), key=lambda t: t.number, default=None)
            key = ("task", first.section_id if first else None)
        if key not in group_of:
            group_of[key] = group_label(target)
        groups.append(group_of[key])
    if len(rows) > GROUPED_ABOVE:
        return _completion_by_group(rows, groups)
    words = _HoverWords()
    names = [f"{s.target.code} {s.target.name}" for s in rows]
    data = []
    # An empty first trace fixes the order of the categories (plotly takes it from the first trace
    # that names them) and puts the completion bars above the time-progress bars.
    data.append(
        dict(
            type="bar",
            orientation="h", y=[groups, names], x=[None] * len(rows), offsetgroup="completion",
            showlegend=False, hoverinfo="skip",
        )
    )
    for status in Status:
        picked = [i for i, s in enumerate(rows) if s.status == status]
        if not picked:
            continue
        data.append(
            dict(
                type="bar",
                name=_("完成率·%(status)s") % {"status": status.label},
                orientation="h",
                y=[[groups[i] for i in picked], [names[i] for i in picked]],
                x=[_bar_length(rows[i]) for i in picked],
                text=[_bar_text(rows[i], status.label) for i in picked],
                textposition="outside",
                textfont={"size": 12},
                cliponaxis=False,
                marker={"color": STATUS_COLOURS[status]},
                offsetgroup="completion",
                hovertext=[_hover_target(rows[i], words) for i in picked],
                hoverinfo="text",
            )
        )
    expected_words = _("%(name)s<br>应完成进度 %(share)s%%（时间进度 %(time)s%%）")
    data.append(
        dict(
            type="bar",
            name=_("应完成进度（时间进度）"),
            orientation="h",
            y=[groups, names],
            # A rate is measured against its target, not against the share of the year gone.
            x=[None if s.target.is_percent else _number(s.expected_share) for s in rows],
            marker={"color": TIME_COLOUR},
            offsetgroup="time",
            hovertext=[
                expected_words % {"name": n, "share": s.expected_share, "time": s.time_progress}
                for n, s in zip(names, rows)
            ],
            hoverinfo="text",
        )
    )
    month = rows[0].month if rows else 12
    highest = max([float(_bar_length(s)) for s in rows] + [100.0])
    layout = (
        _layout(
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
    )
    return {"data": data, "layout": layout}


def _bar_length(standing):
    """Completion in percent; for a rate, its figure as a share of the target (the gap is in the label)."""
    if standing.value is None:
        return 0
    if standing.target.is_percent:
        return round(float(standing.value * 100 / standing.target.value), 1)
    return _number(standing.completion)


def _bar_text(standing, status_label):
    if standing.value is None:
        return str(status_label)
    if standing.target.is_percent:
        return f"{format_number(standing.value)}%（{points_wording(standing.points)}） {status_label}"
    return f"{standing.completion}% {status_label}"


class _HoverWords:
    """The hover texts' wording, translated once per figure rather than once per target."""

    def __init__(self):
        self.target = _("目标：%(cmp)s %(value)s%(unit)s")
        self.latest = _("最新值（%(month)s月）：%(value)s%(unit)s")
        self.completion = _("完成率：%(c)s%%")
        self.status = _("状态：%(s)s")
        self.comparison = {value: str(label) for value, label in Target.Comparison.choices}
        self.status_label = {status.value: str(status.label) for status in Status}


def _completion_by_group(rows, groups):
    """A plan with many targets (a district breakdown): per goal group / task area, its targets
    counted by status, one stacked bar per group. A bar per target would be thousands of pixels
    tall and megabytes of JSON; the target list (/targets/) has every target's figures."""
    order = list(dict.fromkeys(groups))
    counts = {group: {status: 0 for status in Status} for group in order}
    for group, standing in zip(groups, rows):
        counts[group][Status(standing.status)] += 1
    totals = {group: sum(counts[group].values()) for group in order}
    hover = _("%(group)s<br>%(status)s：%(count)s项（共%(total)s项）")
    data = []
    for status in Status:
        if not any(counts[group][status] for group in order):
            continue
        label = str(status.label)
        data.append(
            dict(
                type="bar",
                name=label,
                orientation="h",
                y=order,
                x=[counts[group][status] for group in order],
                text=[str(counts[group][status]) if counts[group][status] else "" for group in order],
                textposition="inside",
                marker={"color": STATUS_COLOURS[status]},
                hovertext=[
                    hover % {"group": group, "status": label, "count": counts[group][status], "total": totals[group]}
                    for group in order
                ],
                hoverinfo="text",
            )
        )
    month = rows[0].month if rows else 12
    layout = _layout(
        _("各板块指标状态（截至%(month)s月底，共%(count)s项指标，逐项见指标列表）") % {"month": month, "count": len(rows)},
        barmode="stack",
        height=160 + 40 * len(order),
        bargap=0.3,
        margin={"l": 20, "r": 30, "t": 100, "b": 60},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "traceorder": "normal"},
        xaxis={"title": {"text": _("指标数（项）")}, "gridcolor": "#e5e9f0"},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 12}},
    )
    return {"data": data, "layout": layout}


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


def month_labels():
    return [_("年初")] + [_("%(m)s月") % {"m": m} for m in range(1, 13)]


def target_figure(standing, small=False):
    """One target: monthly approved values, the target line, the expected path and the forecast."""
    target = standing.target
    unit = target.unit_of_measure
    labels = month_labels()
    data = []
    expected_months = list(range(0 if not target.is_percent else 1, 13))
    expected = [expected_value_for(target, m) if m else baseline_of(target) for m in expected_months]
    data.append(
        dict(
            type="scatter",
            name=_("目标值"),
            x=[1, 12] if target.is_percent else [0, 12],
            y=[_number(target.value)] * 2,
            mode="lines",
            line={"color": "#b3261e", "dash": "dash", "width": 2},
            hovertemplate=_("目标值：%(v)s%(u)s") % {"v": format_number(target.value), "u": unit} + "<extra></extra>",
        )
    )
    data.append(
        dict(
            type="scatter",
            name=_("应达进度"),
            x=expected_months,
            y=[_number(v) for v in expected],
            mode="lines",
            line={"color": TIME_COLOUR, "width": 2},
            hovertext=[
                _("%(m)s 应达：%(v)s%(u)s") % {"m": labels[m], "v": format_number(v), "u": unit}
                for m, v in zip(expected_months, expected)
            ],
            hoverinfo="text",
        )
    )
    months = list(standing.monthly_values)
    values = list(standing.monthly_values.values())
    data.append(
        dict(
            type="scatter",
            name=_("实际值（已审核）"),
            x=months,
            y=[_number(v) for v in values],
            mode="lines+markers+text" if not small else "lines+markers",
            text=[format_number(v) for v in values],
            textposition="top left",
            line={"color": "#1f4e99", "width": 3},
            marker={"size": 8},
            hovertext=[
                _("%(m)s 实际：%(v)s%(u)s") % {"m": labels[m], "v": format_number(v), "u": unit}
                for m, v in zip(months, values)
            ],
            hoverinfo="text",
        )
    )
    path = forecast_path(standing)
    if path:
        data.append(
            dict(
                type="scatter",
                name=_("预计全年"),
                x=list(path),
                y=[_number(v) for v in path.values()],
                mode="lines+markers",
                line={"color": "#7c3aed", "dash": "dot", "width": 2},
                marker={"size": 5},
                hovertext=[
                    _("%(m)s 预计：%(v)s%(u)s") % {"m": labels[m], "v": format_number(v), "u": unit}
                    for m, v in path.items()
                ],
                hoverinfo="text",
            )
        )
    title = _("%(name)s（%(unit)s）") % {"name": target.name, "unit": unit}
    layout = (
        _layout(
            title if small else _("%(title)s：月度实际值、应达进度与预计全年") % {"title": title},
            height=260 if small else 460,
            showlegend=not small,
            margin={"l": 60, "r": 20, "t": 50 if small else 70, "b": 45},
            legend={"orientation": "h", "x": 0, "y": -0.18},
            xaxis={
                "title": {"text": _("月份")} if not small else None,
                "tickvals": list(range(0, 13)),
                "ticktext": labels,
                "range": [-0.3, 12.3],
                "gridcolor": "#e5e9f0",
            },
            yaxis={"title": {"text": _("数值（%(unit)s）") % {"unit": unit}}, "gridcolor": "#e5e9f0", "rangemode": "tozero"},
        )
    )
    return {"data": data, "layout": layout}


def heatmap_figure(units, months, states, timeliness):
    """Month × unit grid of submission states, each cell with its text label."""
    index = {state: i for i, state in enumerate(STATE_ORDER)}
    n = len(STATE_ORDER)
    colorscale = []
    for i, state in enumerate(STATE_ORDER):
        colorscale.append([i / n, STATE_COLOURS[state]])
        colorscale.append([(i + 1) / n, STATE_COLOURS[state]])
    y = [
        _("%(name)s（按时率 %(rate)s）") % {"name": u.name, "rate": timeliness[u.pk]["rate"] or "—"} for u in units
    ]
    x = [_("%(m)s月") % {"m": m} for m in months]
    z, text = [], []
    for unit in units:
        z.append([index[states[(unit.pk, m)][0]] + 0.5 for m in months])
        text.append([states[(unit.pk, m)][1] for m in months])
    data = [
        dict(
            type="heatmap",
            x=x,
            y=y,
            z=z,
            zmin=0,
            zmax=n,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 11},
            colorscale=colorscale,
            showscale=False,
            xgap=2,
            ygap=2,
            hovertemplate="%{y}<br>%{x}：%{text}<extra></extra>",
        )
    ]
    layout = (
        _layout(
            _("各单位月度报送情况（按时 / 逾期 / 未报 / 退回）"),
            height=120 + 26 * max(len(units), 4),
            margin={"l": 20, "r": 20, "t": 60, "b": 40},
            xaxis={"title": {"text": _("报送月份")}, "side": "top"},
            yaxis={"autorange": "reversed", "automargin": True, "title": {"text": _("单位（按时率）")}},
        )
    )
    return {"data": data, "layout": layout}
