"""Plotly figures for the dashboard, built in Python and rendered by static/js/charts.js.

The figures are plain dicts in plotly's JSON schema (`{"data": [...], "layout": {...}}`), not
plotly.graph_objects (those validate every property: 30–40 ms a figure on the real plan), and are
serialised once with json (`style.figure_json`, `style.figure_script`).

- `style`: colours, fonts, the common layout, the JSON a page embeds;
- `completion`: the completion chart of the overview and the unit pages (per target, or counted
  per group on a big plan);
- `target`: one target's monthly values, expected path and forecast;
- `heatmap`: the units' monthly reporting grid.

Every figure has a Chinese title, axis titles with units, hover text with exact values,
and colours that always come with a text label (legend entry or text on the mark).
"""
