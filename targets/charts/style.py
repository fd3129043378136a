"""What every figure shares: colours, the font, the layout and the JSON a page embeds."""

import json
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from targets.progress import Status

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



def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    return str(value)  # lazy translations, enum labels


def figure_json(fig):
    """The figure as JSON text, in one pass of the C encoder (Decimal → float, lazy text → str)."""
    return json.dumps(fig, default=_json_default)


def figure_script(fig, element_id):
    """`<script id=… type="application/json">` holding the figure, as Django's json_script writes it."""
    text = fig if isinstance(fig, str) else figure_json(fig)
    # As json_script: the JSON can neither close the element nor open a comment (str.replace, not
    # str.translate, which looks up every character in Python).
    text = text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return format_html('<script id="{}" type="application/json">{}</script>', element_id, mark_safe(text))


def number(value):
    return float(value) if isinstance(value, Decimal) else value


def layout(title, **kwargs):
    result = {
        "title": {"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 17}},
        "font": {"family": FONT, "size": 13, "color": "#1d2430"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 70, "r": 30, "t": 60, "b": 60},
        "hoverlabel": {"font": {"family": FONT}},
        "autosize": True,
    }
    result.update(kwargs)
    return result
