// The command-room screen (/screen/): reads /api/v1/screen/ (the overview's figures, stored
// standings) on load and every few minutes, and draws them. No inline script (the CSP forbids it);
// every text from the server is set as text, never as HTML. The page's own words are in data-*
// attributes of <body>, translated by the template.
(function () {
  "use strict";
  var body = document.body;
  var url = body.dataset.url;
  var every = Math.max(30, parseInt(body.dataset.refreshSeconds, 10) || 300) * 1000;

  function words(key, values) {
    var text = body.dataset[key] || "";
    Object.keys(values || {}).forEach(function (name) { text = text.replace("%(" + name + ")s", values[name]); });
    return text;
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function byId(id) { return document.getElementById(id); }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }
  function setText(id, text) { byId(id).textContent = text; }

  function drawTiles(id, cards) {
    var box = clear(byId(id));
    cards.forEach(function (card) {
      var tile = el("div", "tile tile-" + card.code);
      tile.dataset.status = card.code;
      tile.appendChild(el("div", "num", card.count));
      tile.appendChild(el("div", "label", card.label));
      box.appendChild(tile);
    });
  }

  // A list shows what fits its panel; the rest is counted in a last line (另有 N 项).
  function fitList(list, total) {
    var shown = list.children.length;
    if (shown >= total && list.scrollHeight <= list.clientHeight) { return; }
    var more = el("li", "more", words("more", { n: total - shown }));
    list.appendChild(more);
    while (list.scrollHeight > list.clientHeight && shown > 0) {
      list.removeChild(more.previousSibling);
      shown -= 1;
      more.textContent = words("more", { n: total - shown });
    }
  }

  function drawLateUnits(units) {
    var list = clear(byId("late-units"));
    setText("late-count", words("units", { n: units.length }));
    if (!units.length) { list.appendChild(el("li", "more", body.dataset.none)); return; }
    units.forEach(function (unit) {
      var item = el("li", "", unit.name);
      item.dataset.unit = unit.code;
      item.appendChild(el("span", "state", unit.state_label));
      list.appendChild(item);
    });
    fitList(list, units.length);
  }

  function drawLikelyMissed(standings, total) {
    var list = clear(byId("likely-missed"));
    setText("missed-count", words("items", { n: total }));
    if (!standings.length) { list.appendChild(el("li", "more", body.dataset.none)); return; }
    standings.forEach(function (standing) {
      var item = el("li");
      item.dataset.target = standing.code;
      item.appendChild(el("span", "name", standing.code + " " + standing.name + "（" + standing.wording + "）"));
      item.appendChild(el("span", "statement", standing.statement));
      list.appendChild(item);
    });
    fitList(list, total);
  }

  function drawTrend(months) {
    var box = clear(byId("trend"));
    months.forEach(function (month) {
      var column = el("div", "month");
      column.dataset.month = month.month;
      var bar = el("div", "bar");
      month.statuses.forEach(function (card) {
        if (!card.count) { return; }
        var segment = el("div", "seg status-" + card.code, card.count);
        segment.title = card.label + " " + card.count;
        segment.style.flex = card.count + " 1 0";  // CSSOM, not a style attribute: allowed by the CSP
        bar.appendChild(segment);
      });
      column.appendChild(bar);
      column.appendChild(el("div", "month-label", words("month", { month: month.month })));
      box.appendChild(column);
    });
    var legend = clear(byId("trend-legend"));
    (months.length ? months[months.length - 1].statuses : []).forEach(function (card) {
      var entry = el("span");
      entry.appendChild(el("span", "swatch status-" + card.code));
      entry.appendChild(document.createTextNode(card.label));
      legend.appendChild(entry);
    });
  }

  function clock(iso) {
    var when = new Date(iso);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(when.getHours()) + ":" + two(when.getMinutes());
  }

  function draw(data) {
    setText("plan-title", data.plan.title);
    setText("as-of", data.as_of);
    setText("time-progress", data.time_progress + "%");
    setText("generated-at", words("updated", { time: clock(data.generated_at) }));
    setText("target-total", words("items", { n: data.target_total }));
    setText("task-total", words("items", { n: data.task_total }));
    drawTiles("target-tiles", data.targets);
    drawTiles("task-tiles", data.tasks);
    setText("missing-note", data.missing ? words("missing", { n: data.missing }) : "");
    setText("behind-tasks", data.behind_tasks.length ? body.dataset.behind + data.behind_tasks.map(function (task) {
      return task.number + ". " + task.title + "（" + task.status_label + "）";
    }).join("；") : "");
    drawLateUnits(data.late_units);
    drawLikelyMissed(data.likely_missed, data.likely_missed_count);
    drawTrend(data.trend);
    body.dataset.loaded = data.generated_at;
  }

  function alert(text) {
    var box = byId("screen-alert");
    box.textContent = text || "";
    box.hidden = !text;
  }

  function load() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) { throw new Error("refused"); }
        if (!response.ok) { throw new Error("failed"); }
        return response.json();
      })
      .then(function (data) { draw(data); alert(""); })
      .catch(function (error) { alert(error.message === "refused" ? body.dataset.refused : body.dataset.failed); })
      .then(function () { window.setTimeout(load, every); });
  }

  load();
})();
