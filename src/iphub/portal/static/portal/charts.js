// One chart per [data-chart] element: its series as JSON ([[label, value], ...]),
// its kind (bar or line), unit and empty text in data attributes; drawn with ECharts.
// Used by the finance figures and the training hours pages.
(function () {
  "use strict";
  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var rows = JSON.parse(el.dataset.series || "[]");
      if (!rows.length) { el.textContent = el.dataset.empty || ""; el.style.height = "auto"; return; }
      var chart = echarts.init(el);
      chart.setOption({
        grid: { left: 60, right: 16, top: 24, bottom: 60, containLabel: true },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: rows.map(function (r) { return r[0]; }),
                 axisLabel: { rotate: rows.length > 4 ? 30 : 0, interval: 0 } },
        yAxis: { type: "value", name: el.dataset.unit || "" },
        series: [{ type: el.dataset.chart, data: rows.map(function (r) { return r[1]; }),
                   showSymbol: true, symbolSize: 8, barMaxWidth: 48,
                   itemStyle: { color: "#0b5cad" } }]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
