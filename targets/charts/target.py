"""One target's chart: monthly approved values, the target line, the expected path and the forecast,
with the same target's figures in earlier years beside them; and the chart staff see before adopting
a monthly profile learned from those years."""

from decimal import Decimal

from django.utils.translation import gettext as _

from targets.charts.style import TIME_COLOUR, layout, number
from targets.expected_path import baseline_of, expected_share, expected_value_for
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
        self.earlier_year = _("%(year)s年")
        self.earlier_hover = _("%(year)s年%(m)s：%(v)s%(u)s")


# Earlier years in fading blue-greys, the latest the darkest: this year's line stays the one seen.
EARLIER_COLOURS = ["#5b7fb4", "#7f9cc6", "#a3b8d7", "#c2cfe3"]


def earlier_year_traces(words, unit, earlier_years):
    """One line per earlier year ([(year, {month: value})], newest first), on this year's months."""
    traces = []
    for i, (year, monthly) in enumerate(earlier_years):
        months = list(monthly)
        label = words.earlier_year % {"year": year}
        hover = [
            words.earlier_hover % {"year": year, "m": words.months[m], "v": format_number(v), "u": unit}
            for m, v in monthly.items()
        ]
        traces.append(
            {
                "type": "scatter",
                "name": label,
                "x": months,
                "y": [number(v) for v in monthly.values()],
                "mode": "lines+markers",
                "line": {"color": EARLIER_COLOURS[min(i, len(EARLIER_COLOURS) - 1)], "width": 1.5, "dash": "dashdot"},
                "marker": {"size": 5},
                "hovertext": hover,
                "hoverinfo": "text",
            }
        )
    return traces


def _points(words, hover, unit, months, values):
    """(the plotted y values, their hover texts) of a series; each figure formatted once."""
    labels = words.months
    ys, texts = [], []
    for m, v in zip(months, values, strict=True):
        ys.append(number(v))
        texts.append(hover % {"m": labels[m], "v": format_number(v), "u": unit})
    return ys, texts


def target_figure(standing, small=False, words=None, earlier_years=()):
    """One target: monthly approved values, the target line, the expected path and the forecast;
    `earlier_years` ([(year, {month: value})], newest first) adds a line for each earlier year."""
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
            "hovertext": [words.actual_hover % {"m": labels[m], "v": v, "u": unit} for m, v in zip(months, shown, strict=True)],
            "hoverinfo": "text",
        }
    )
    data.extend(earlier_year_traces(words, unit, earlier_years))
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


def profile_figure(target, profile):
    """The learned profile (a LearnedProfile) beside the target's current expected path, both in
    cumulative percent of the year's work, from the start of the year to December."""
    months = list(range(13))
    labels = month_labels()
    current_name = _("当前应达进度（月度曲线）") if target.monthly_profile else _("当前应达进度（时间均匀推进）")
    current = [Decimal(0)] + [expected_share(target, m) for m in range(1, 13)]
    learned = [Decimal(0), *profile.percentages]
    hover = _("%(m)s：%(v)s%%")
    data = [
        {
            "type": "scatter",
            "name": current_name,
            "x": months,
            "y": [number(v) for v in current],
            "mode": "lines",
            "line": {"color": TIME_COLOUR, "width": 2},
            "hovertext": [hover % {"m": labels[m], "v": format_number(v)} for m, v in zip(months, current, strict=True)],
            "hoverinfo": "text",
        },
        {
            "type": "scatter",
            "name": _("往年平均月度曲线（%(years)s）") % {"years": profile.years_label},
            "x": months,
            "y": [number(v) for v in learned],
            "mode": "lines+markers",
            "line": {"color": "#1f4e99", "width": 3},
            "marker": {"size": 6},
            "hovertext": [hover % {"m": labels[m], "v": format_number(v)} for m, v in zip(months, learned, strict=True)],
            "hoverinfo": "text",
        },
    ]
    figure_layout = layout(
        _("依据%(years)s月度数据的累计进度曲线") % {"years": profile.years_label},
        height=340,
        margin={"l": 60, "r": 20, "t": 60, "b": 45},
        legend={"orientation": "h", "x": 0, "y": -0.2},
        xaxis={"tickvals": months, "ticktext": labels, "range": [-0.3, 12.3], "gridcolor": "#e5e9f0"},
        yaxis={"title": {"text": _("累计进度（%）")}, "range": [0, 105], "gridcolor": "#e5e9f0"},
    )
    return {"data": data, "layout": figure_layout}
