// Renders every Plotly figure on the page from its JSON (no inline script: the CSP forbids it).
// A chart is <div class="plotly-chart" data-figure="ID"> with {{ figure|json_script:ID }} beside it.
(function () {
  function render() {
    document.querySelectorAll(".plotly-chart[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.dataset.figure);
      if (!source || !window.Plotly) { return; }
      var figure = JSON.parse(source.textContent);
      var config = Object.assign({ responsive: true, displaylogo: false }, figure.config || {});
      window.Plotly.newPlot(el, readable(figure.data), fitToScreen(figure.layout || {}), config);
    });
  }
  var MIN_FONT = 12;  // px: chart text is read at arm's length, on a phone too
  function larger(font) { return Object.assign({}, font || {}, { size: Math.max(MIN_FONT, (font && font.size) || 0) }); }
  // Value labels and hover text at least MIN_FONT.
  function readable(data) {
    return data.map(function (trace) {
      return Object.assign({}, trace, trace.text ? { textfont: larger(trace.textfont) } : {});
    });
  }
  // The chart follows its box; on a narrow screen the legend goes below the plot (it covered the
  // title) and the axes make room for their labels (they were cut).
  function fitToScreen(layout) {
    var fitted = Object.assign({}, layout, { autosize: true, font: larger(layout.font) });
    delete fitted.width;
    if (window.matchMedia("(max-width: 760px)").matches) {
      fitted.legend = Object.assign({}, layout.legend || {}, { orientation: "h", x: 0, xanchor: "left", y: -0.15, yanchor: "top" });
      fitted.margin = Object.assign({}, layout.margin || {}, { l: 8, r: 8, t: 48 });
      ["xaxis", "yaxis"].forEach(function (axis) {
        fitted[axis] = Object.assign({}, layout[axis] || {}, { automargin: true });
      });
    }
    return fitted;
  }
  // The as-of month picker submits itself when changed (its button stays for keyboards and no-JS).
  function autoSubmit() {
    document.querySelectorAll("select.auto-submit").forEach(function (select) {
      select.addEventListener("change", function () { if (select.form) { select.form.submit(); } });
    });
  }
  function start() { render(); autoSubmit(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
