"""A city target's district breakdown (targets/breakdown.py): one bar per district, its length the
district's completion, coloured and labelled by the status stored in its share's standing."""

from django.utils.translation import gettext as _

from targets.charts.completion import bar_length  # a bar is as long here as on the overview
from targets.charts.style import STATUS_COLOURS, layout
from targets.numbers import format_number
from targets.progress import Status


def _bar_text(standing):
    label = str(Status(standing.status).label)
    if standing.value is None:
        return label
    if standing.target.is_percent:
        return f"{format_number(standing.value)}% {label}"
    return f"{standing.completion}% {label}"


def breakdown_figure(city, share_standings, month):
    """`share_standings`: the shares' stored standings at `month`, each with its target and reporting unit."""
    names = [s.target.reporting_unit.name for s in share_standings]
    lengths = [bar_length(s) for s in share_standings]
    latest = _("%(name)s<br>目标：%(target)s<br>最新值（%(month)s月）：%(value)s%(unit)s<br>状态：%(status)s")
    none_yet = _("%(name)s<br>目标：%(target)s<br>状态：%(status)s")
    hover = []
    for name, s in zip(names, share_standings, strict=True):
        words = {"name": name, "target": s.target.wording, "status": Status(s.status).label}
        if s.value is None:
            hover.append(none_yet % words)
        else:
            hover.append(latest % {
                **words, "month": s.value_month, "value": format_number(s.value), "unit": s.target.unit_of_measure,
            })
    data = [{
        "type": "bar",
        "orientation": "h",
        "name": _("完成率"),
        "y": names,
        "x": lengths,
        "text": [_bar_text(s) for s in share_standings],
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": [STATUS_COLOURS[Status(s.status)] for s in share_standings]},
        "hovertext": hover,
        "hoverinfo": "text",
        "showlegend": False,
    }]
    axis_title = _("完成率（目标值的百分比，%）") if city.is_percent else _("完成率（%）")
    figure_layout = layout(
        _("%(name)s：各区完成率（截至%(month)s月底）") % {"name": city.name, "month": month},
        height=120 + 30 * max(len(names), 3),
        margin={"l": 20, "r": 120, "t": 60, "b": 60},
        xaxis={
            "title": {"text": axis_title}, "ticksuffix": "%", "gridcolor": "#e5e9f0",
            "range": [0, max(lengths + [100.0]) * 1.15],
        },
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 12}},
    )
    return {"data": data, "layout": figure_layout}
