// gongshang web UI: draws the dashboard's charts with ECharts. Each chart is
// an element with data-chart="<kind>" and its data as JSON in data-series.
// Runs on first load and after htmx swaps (boosted navigation).
(function () {
  "use strict";
  var palette = ["#0b6e4f", "#2563eb", "#c2410c", "#7c3aed", "#0891b2", "#ca8a04", "#be185d", "#4b5563"];
  function draw(root) {
    if (typeof echarts === "undefined") { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) { return; }
      var spec;
      try { spec = JSON.parse(el.dataset.series); } catch (e) { return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      var option;
      var grid = { left: 60, right: 20, top: 40, bottom: 40, containLabel: true };
      if (el.dataset.chart === "pie") {
        option = {
          color: palette, tooltip: { trigger: "item" },
          series: [{ type: "pie", radius: ["40%", "70%"], center: ["50%", "45%"], data: spec.data,
                     label: { formatter: "{b}\n{c}" } }]
        };
      } else {
        // Every category label shown (issue 13): turned when many, or the
        // bars laid across (data-series "horizontal") for long names.
        var many = spec.x && spec.x.length > 6;
        var categories = { type: "category", data: spec.x,
                           axisLabel: { interval: 0, rotate: many && !spec.horizontal ? 35 : 0 } };
        var values = { type: "value", name: spec.unit || "" };
        option = {
          color: palette, tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: grid,
          xAxis: spec.horizontal ? values : categories,
          yAxis: spec.horizontal ? categories : values,
          series: spec.series.map(function (s) {
            return { name: s.name, type: s.type || el.dataset.chart, data: s.data, smooth: true,
                     stack: s.stack, areaStyle: s.area ? {} : undefined,
                     label: spec.labels ? { show: true, position: spec.horizontal ? "right" : "top" } : undefined };
          })
        };
      }
      chart.setOption(option);
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  function load(root) {
    if (!root.querySelector("[data-chart]")) { return; }
    if (typeof echarts !== "undefined") { draw(root); return; }
    var s = document.createElement("script");
    s.src = document.body.dataset.echarts || "/assets/1/echarts.common.min.js";
    s.onload = function () { draw(document); };
    document.head.appendChild(s);
  }
  document.addEventListener("DOMContentLoaded", function () { load(document); });
  document.addEventListener("htmx:afterSettle", function (e) { load(e.target || document); });
})();
// Issue 13: every table becomes cards under 600 px (app.css); a cell without
// its own data-label is labelled with its column's heading.
(function () {
  "use strict";
  function label(root) {
    root.querySelectorAll(".table-wrap table").forEach(function (t) {
      var heads = Array.prototype.map.call(t.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      if (!heads.length) { return; }
      t.querySelectorAll("tbody tr").forEach(function (tr) {
        Array.prototype.forEach.call(tr.children, function (td, i) {
          if (!td.hasAttribute("data-label") && heads[i] && !td.hasAttribute("colspan")) { td.setAttribute("data-label", heads[i]); }
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { label(document); });
  document.addEventListener("htmx:afterSettle", function (e) { label(e.target || document); });
})();
// Issue 13: a refused form comes back as its page with the refusal at its
// fields and a 4xx status; htmx swaps it in like any page (by default it
// would keep the old page and show nothing).
document.addEventListener("htmx:beforeSwap", function (e) {
  var xhr = e.detail.xhr;
  var type = (xhr && xhr.getResponseHeader("Content-Type")) || "";
  if (xhr && xhr.status >= 400 && xhr.status < 500 && type.indexOf("text/html") === 0) {
    e.detail.shouldSwap = true;
    e.detail.isError = false;
  }
});
// Issue 13: a refused form's page comes back at its top, while the form may
// be far down (the unit page's cancellation): the first refusal is brought
// into view and its field focused, so the person sees what to correct.
(function () {
  "use strict";
  function show(root) {
    var said = (root.querySelector ? root : document).querySelector("main .field-error[role=alert], main .alert.error[role=alert]");
    if (!said) { return; }
    var form = said.closest("form, details, section");
    if (form && form.tagName === "DETAILS") { form.open = true; }
    said.scrollIntoView({ block: "center" });
    var field = (form || document).querySelector("[aria-invalid=true]");
    if (field && field.focus) { field.focus({ preventScroll: true }); }
  }
  document.addEventListener("DOMContentLoaded", function () { show(document); });
  // A whole page swapped in (boosted), not a part polling for itself.
  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.target === document.body) { setTimeout(function () { show(document); }, 0); }
  });
})();
