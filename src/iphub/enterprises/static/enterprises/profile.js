// The profile's trend chart (ECharts from npm): applications per year, stacked by type.
(function () {
  "use strict";
  window.addEventListener("load", function () {
    var el = document.getElementById("profile-trend");
    if (!el || !window.echarts) return;
    var data = JSON.parse(el.dataset.chart || "{}");
    if (!data.years || !data.years.length) { el.style.display = "none"; return; }
    var chart = echarts.init(el);
    var colours = ["#0b4f9c", "#91cc75", "#fac858", "#ee6666", "#73c0de"];
    chart.setOption({
      color: colours,
      grid: { left: 40, right: 10, top: 30, bottom: 25 },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "category", data: data.years.map(String) },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "apps", data: s.data };
      })
    });
    el.dataset.drawn = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
