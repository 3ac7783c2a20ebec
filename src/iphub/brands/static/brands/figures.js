// Brand figures per city: two bar series from the chart element's JSON
// ({cities, indications, users}); drawn with ECharts.
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("brand-chart");
    if (!el || !window.echarts) return;
    var data = JSON.parse(el.dataset.series || "{}");
    var chart = echarts.init(el);
    chart.setOption({
      grid: { left: 40, right: 16, top: 40, bottom: 70, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "category", data: data.cities || [], axisLabel: { rotate: 45, interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: el.dataset.labelA, type: "bar", data: data.indications || [], itemStyle: { color: "#0b5cad" } },
        { name: el.dataset.labelB, type: "bar", data: data.users || [], itemStyle: { color: "#d9822b" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
