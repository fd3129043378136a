"""The units' monthly reporting grid (/units/): a heatmap of submission states, each cell labelled."""

from django.utils.translation import gettext as _

from targets.charts.style import layout
from tasks.reporting import SubmissionState

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


def heatmap_figure(units, months, states, timeliness):
    """Month × unit grid of submission states, each cell with its text label."""
    index = {state: i for i, state in enumerate(STATE_ORDER)}
    n = len(STATE_ORDER)
    colorscale = []
    for i, state in enumerate(STATE_ORDER):
        colorscale.append([i / n, STATE_COLOURS[state]])
        colorscale.append([(i + 1) / n, STATE_COLOURS[state]])
    unit_words = _("%(name)s（按时率 %(rate)s）")
    month_words = _("%(m)s月")
    y = [unit_words % {"name": u.name, "rate": timeliness[u.pk]["rate"] or "—"} for u in units]
    x = [month_words % {"m": m} for m in months]
    z, text = [], []
    for unit in units:
        z.append([index[states[(unit.pk, m)][0]] + 0.5 for m in months])
        text.append([states[(unit.pk, m)][1] for m in months])
    data = [
        {
            "type": "heatmap",
            "x": x,
            "y": y,
            "z": z,
            "zmin": 0,
            "zmax": n,
            "text": text,
            "texttemplate": "%{text}",
            "textfont": {"size": 12},
            "colorscale": colorscale,
            "showscale": False,
            "xgap": 2,
            "ygap": 2,
            "hovertemplate": "%{y}<br>%{x}：%{text}<extra></extra>",
        }
    ]
    figure_layout = layout(
        _("各单位月度报送情况（按时 / 逾期 / 未报 / 退回）"),
        height=120 + 26 * max(len(units), 4),
        margin={"l": 20, "r": 20, "t": 60, "b": 40},
        xaxis={"title": {"text": _("报送月份")}, "side": "top"},
        yaxis={"autorange": "reversed", "automargin": True, "title": {"text": _("单位（按时率）")}},
    )
    return {"data": data, "layout": figure_layout}
