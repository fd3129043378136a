// Renders every Plotly figure on the page from its JSON (no inline script: the CSP forbids it).
// A chart is <div class="plotly-chart" data-figure="ID"> with {{ figure|json_script:ID }} beside it.
(function () {
  function render() {
    document.querySelectorAll(".plotly-chart[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.dataset.figure);
      if (!source || !window.Plotly) { return; }
      var figure = JSON.parse(source.textContent);
      var config = Object.assign({ responsive: true, displaylogo: false }, figure.config || {});
      window.Plotly.newPlot(el, figure.data, figure.layout || {}, config);
    });
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
