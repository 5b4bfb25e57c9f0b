/* The ledger's web view: the date sliders (each move is a new address, so a view can be linked and reproduced)
   and the charts (Apache ECharts, vendored). No data is fetched here: each page carries its own, as JSON. */
(function () {
  "use strict";
  var DAY = 86400000;
  var $ = function (sel) { return document.querySelector(sel); };

  /* Every value from the ledger that ECharts shows as HTML (its tooltips) goes through esc: a unit, section, post,
     host or person name is text, never markup (the content security policy is the second line, not the first). */
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" };
  function esc(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
  }

  function go(changes) {
    var url = new URL(window.location.href);
    Object.keys(changes).forEach(function (k) {
      if (changes[k] === null || changes[k] === "") url.searchParams.delete(k);
      else url.searchParams.set(k, changes[k]);
    });
    window.location.assign(url.toString());
  }

  function dayNumber(iso) {
    var p = iso.split("-");
    return Date.UTC(+p[0], +p[1] - 1, +p[2]) / DAY;
  }
  function isoDay(n) { return new Date(n * DAY).toISOString().slice(0, 10); }

  /* The effective date: a slider over days, and a date box for an exact day. */
  function asOfControls() {
    var slider = $("#as-of-slider");
    if (!slider) return;
    var lo = dayNumber(slider.dataset.min), hi = dayNumber(slider.dataset.max);
    slider.min = 0; slider.max = hi - lo; slider.step = 1;
    slider.value = dayNumber(slider.dataset.value) - lo;
    var label = $("#as-of-label");
    slider.addEventListener("input", function () { label.textContent = isoDay(lo + +slider.value); });
    slider.addEventListener("change", function () { go({ as_of: isoDay(lo + +slider.value) }); });
    var box = $("#as-of-date");
    if (box) box.addEventListener("change", function () { if (box.value) go({ as_of: box.value }); });
  }

  /* The moment the ledger knew it: off (as known now), or a slider that steps from one recording to the next
     (each recording is one batch, recorded at one moment); the page labels the recording it lands on. */
  function knownAtControls() {
    var slider = $("#known-at-slider"), toggle = $("#known-at-toggle"), data = $("#recordings-data");
    if (!slider || !toggle || !data) return;
    var times = JSON.parse(data.textContent);
    if (!times.length) { toggle.disabled = true; return; }
    var label = $("#known-at-label");
    var at = function () { return times[Math.min(Math.max(+slider.value, 0), times.length - 1)]; };
    slider.addEventListener("input", function () {
      label.textContent = "第" + (+slider.value + 1) + "次记录 · " + at().slice(0, 19).replace("T", " ") + " UTC";
    });
    slider.addEventListener("change", function () { go({ known_at: at() }); });
    toggle.addEventListener("change", function () { go({ known_at: toggle.checked ? times[times.length - 1] : null }); });
  }

  /* --- charts ------------------------------------------------------------------------------------------------ */
  var GREEN = "#2f7d4f", RED = "#b42318", GREY = "#8c959f";

  function gauge(name, filled, quota, i, n) {
    var over = filled > quota;
    return {
      type: "gauge", min: 0, max: Math.max(quota, filled, 1), radius: Math.min(80, 260 / n) + "%",
      center: [((i + 0.5) / n * 100) + "%", "58%"], startAngle: 210, endAngle: -30,
      progress: { show: true, width: 12, itemStyle: { color: over ? RED : GREEN } },
      axisLine: { lineStyle: { width: 12, color: [[1, "#e6e9ed"]] } },
      pointer: { show: false }, axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false },
      title: { offsetCenter: [0, "62%"], fontSize: 12 },
      detail: { offsetCenter: [0, "5%"], fontSize: 20, color: over ? RED : "#1f2328",
                formatter: function () { return filled + "/" + quota; } },
      data: [{ value: filled, name: name }]
    };
  }

  function gauges(el, data) {
    var items = data.establishment.map(function (e) { return [e.establishment, e.filled, e.quota]; });
    var posts = data.posts.reduce(function (a, p) { return [a[0] + p.filled, a[1] + p.quota]; }, [0, 0]);
    items.push(["领导职数", posts[0], posts[1]]);
    return { series: items.map(function (x, i) { return gauge(x[0], x[1], x[2], i, items.length); }) };
  }

  function series(el, data) {
    var points = data.points, lines = [];
    var types = [];
    points.forEach(function (p) { p.establishment.forEach(function (e) { if (types.indexOf(e.establishment) < 0) types.push(e.establishment); }); });
    var of = function (p, t, k) { var e = p.establishment.filter(function (x) { return x.establishment === t; })[0]; return e ? e[k] : 0; };
    var PALETTE = ["#0b5cad", "#2f7d4f", "#9a6700", "#6e40c9", "#8c959f"];
    types.forEach(function (t, i) {
      var colour = PALETTE[i % PALETTE.length];
      lines.push({ name: t + " 实有", type: "line", color: colour, data: points.map(function (p) { return of(p, t, "filled"); }) });
      lines.push({ name: t + " 核定", type: "line", color: colour, lineStyle: { type: "dashed" }, data: points.map(function (p) { return of(p, t, "quota"); }) });
    });
    var sum = function (p, k) { return p.posts.reduce(function (a, x) { return a + x[k]; }, 0); };
    lines.push({ name: "领导职数 实有", type: "line", color: RED, data: points.map(function (p) { return sum(p, "filled"); }) });
    lines.push({ name: "领导职数 核定", type: "line", color: RED, lineStyle: { type: "dashed" }, data: points.map(function (p) { return sum(p, "quota"); }) });
    return {
      tooltip: { trigger: "axis", formatter: axisTip }, legend: { top: 0 }, grid: { left: 40, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: points.map(function (p) { return p.date.slice(0, 4); }) },
      yAxis: { type: "value", minInterval: 1 }, series: lines
    };
  }

  /* The series chart's tooltip: the year, then each line's name and value, escaped (ECharts' own would be HTML). */
  function axisTip(params) {
    var list = [].concat(params);
    return esc(list.length ? list[0].axisValueLabel : "") + list.map(function (p) {
      return "<br>" + p.marker + esc(p.seriesName) + ": " + esc(p.value);
    }).join("");
  }

  var LANE_COLOURS = { "单位/科室": "#0b5cad", "职级": "#2f7d4f", "职务": "#9f1d20", "交流/借调": "#9a6700", "编外": GREY };

  function timeline(el, data) {
    var rows = data.rows, today = new Date().toISOString().slice(0, 10);
    var bars = data.bars.map(function (b) {
      return { value: [rows.indexOf(b.row), b.from, b.to || today, b.label, b.to === null],
               itemStyle: { color: LANE_COLOURS[b.lane] || GREY } };
    });
    var narrow = el.clientWidth < 600;  /* a phone: shorter lane names, fewer year labels, never overlapping */
    return {
      tooltip: { formatter: function (p) { return esc(p.value[3]) + "<br>" + esc(p.value[1]) + " — " + (p.value[4] ? "至今" : esc(p.value[2])); } },
      grid: { left: narrow ? 84 : 170, right: narrow ? 12 : 30, top: 20, bottom: 40 },
      xAxis: { type: "time", splitNumber: narrow ? 3 : 8, axisLabel: { hideOverlap: true } },
      yAxis: { type: "category", data: rows, inverse: true, axisTick: { show: false },
               axisLabel: { width: narrow ? 76 : 160, overflow: "truncate" } },
      series: [{
        type: "custom", encode: { x: [1, 2], y: 0 }, data: bars,
        renderItem: function (params, api) {
          var start = api.coord([api.value(1), api.value(0)]), end = api.coord([api.value(2), api.value(0)]);
          var h = api.size([0, 1])[1] * 0.6;
          var rect = echarts.graphic.clipRectByRect(
            { x: start[0], y: start[1] - h / 2, width: Math.max(end[0] - start[0], 2), height: h },
            { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height });
          return rect && { type: "rect", shape: rect, style: api.style(),
                           textContent: { style: { text: api.value(3), fill: "#fff", fontSize: 11, overflow: "truncate", width: rect.width - 6 } },
                           textConfig: { position: "insideLeft" } };
        }
      }]
    };
  }

  var CHARTS = { gauges: gauges, series: series, timeline: timeline };

  function charts() {
    if (typeof echarts === "undefined") return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var make = CHARTS[el.dataset.chart], source = document.getElementById(el.dataset.source);
      if (!make || !source) return;
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(Object.assign({ animation: false }, make(el, JSON.parse(source.textContent))));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  /* A long unit tree scrolls in its box: bring the chosen unit into view there (not the whole page). */
  function showChosenUnit() {
    var row = $("#unit-tree tr.selected"), box = $(".tree");
    if (row && box && box.scrollHeight > box.clientHeight) {
      box.scrollTop = row.offsetTop - box.clientHeight / 2;
    }
  }

  asOfControls();
  knownAtControls();
  showChosenUnit();
  charts();
  document.body.dataset.ready = "1";
})();
