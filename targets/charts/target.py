"""One target's chart: monthly approved values, the target line, the expected path and the forecast."""

from django.utils.translation import gettext as _

from targets.charts.style import TIME_COLOUR, layout, number
from targets.expected_path import baseline_of, expected_value_for
from targets.forecast import forecast_path
from targets.numbers import format_number


def month_labels():
    return [_("年初")] + [_("%(m)s月") % {"m": m} for m in range(1, 13)]


class TargetFigureWords:
    """The wording of target charts, translated once per page (a task page draws dozens)."""

    def __init__(self):
        self.months = month_labels()
        self.target = _("目标值")
        self.target_hover = _("目标值：%(v)s%(u)s")
        self.expected = _("应达进度")
        self.expected_hover = _("%(m)s 应达：%(v)s%(u)s")
        self.actual = _("实际值（已审核）")
        self.actual_hover = _("%(m)s 实际：%(v)s%(u)s")
        self.forecast = _("预计全年")
        self.forecast_hover = _("%(m)s 预计：%(v)s%(u)s")
        self.title = _("%(name)s（%(unit)s）")
        self.long_title = _("%(title)s：月度实际值、应达进度与预计全年")
        self.month_axis = _("月份")
        self.value_axis = _("数值（%(unit)s）")


def _points(words, hover, unit, months, values):
    """(the plotted y values, their hover texts) of a series; each figure formatted once."""
    labels = words.months
    ys, texts = [], []
    for m, v in zip(months, values):
        ys.append(number(v))
        texts.append(hover % {"m": labels[m], "v": format_number(v), "u": unit})
    return ys, texts


def target_figure(standing, small=False, words=None):
    """One target: monthly approved values, the target line, the expected path and the forecast."""
    words = words or TargetFigureWords()
    target = standing.target
    unit = target.unit_of_measure
    data = []
    expected_months = list(range(0 if not target.is_percent else 1, 13))
    expected = [expected_value_for(target, m) if m else baseline_of(target) for m in expected_months]
    data.append(
        {
            "type": "scatter",
            "name": words.target,
            "x": [1, 12] if target.is_percent else [0, 12],
            "y": [number(target.value)] * 2,
            "mode": "lines",
            "line": {"color": "#b3261e", "dash": "dash", "width": 2},
            "hovertemplate": words.target_hover % {"v": format_number(target.value), "u": unit} + "<extra></extra>",
        }
    )
    ys, texts = _points(words, words.expected_hover, unit, expected_months, expected)
    data.append(
        {
            "type": "scatter",
            "name": words.expected,
            "x": expected_months,
            "y": ys,
            "mode": "lines",
            "line": {"color": TIME_COLOUR, "width": 2},
            "hovertext": texts,
            "hoverinfo": "text",
        }
    )
    monthly = standing.monthly_values
    months = list(monthly)
    values = list(monthly.values())
    shown = [format_number(v) for v in values]
    labels = words.months
    data.append(
        {
            "type": "scatter",
            "name": words.actual,
            "x": months,
            "y": [number(v) for v in values],
            "mode": "lines+markers+text" if not small else "lines+markers",
            "text": shown,
            "textposition": "top left",
            "line": {"color": "#1f4e99", "width": 3},
            "marker": {"size": 8},
            "hovertext": [words.actual_hover % {"m": labels[m], "v": v, "u": unit} for m, v in zip(months, shown)],
            "hoverinfo": "text",
        }
    )
    path = forecast_path(standing)
    if path:
        ys, texts = _points(words, words.forecast_hover, unit, list(path), list(path.values()))
        data.append(
            {
                "type": "scatter",
                "name": words.forecast,
                "x": list(path),
                "y": ys,
                "mode": "lines+markers",
                "line": {"color": "#7c3aed", "dash": "dot", "width": 2},
                "marker": {"size": 5},
                "hovertext": texts,
                "hoverinfo": "text",
            }
        )
    title = words.title % {"name": target.name, "unit": unit}
    figure_layout = layout(
        title if small else words.long_title % {"title": title},
        height=260 if small else 460,
        showlegend=not small,
        margin={"l": 60, "r": 20, "t": 50 if small else 70, "b": 45},
        legend={"orientation": "h", "x": 0, "y": -0.18},
        xaxis={
            "title": {"text": words.month_axis} if not small else None,
            "tickvals": list(range(13)),
            "ticktext": words.months,
            "range": [-0.3, 12.3],
            "gridcolor": "#e5e9f0",
        },
        yaxis={"title": {"text": words.value_axis % {"unit": unit}}, "gridcolor": "#e5e9f0", "rangemode": "tozero"},
    )
    return {"data": data, "layout": figure_layout}
