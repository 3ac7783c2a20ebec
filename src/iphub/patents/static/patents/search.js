// Advanced builder: writes the query expression from the form, so users learn the syntax.
(function () {
  function quote(v) { return /[\s()"]/.test(v) ? '"' + v.replace(/"/g, "") + '"' : v; }
  var build = document.getElementById("build");
  if (build) {
    build.addEventListener("click", function () {
      var parts = [], from = "", to = "";
      document.querySelectorAll("#builder [data-code]").forEach(function (el) {
        var v = el.value.trim();
        if (!v) return;
        var keepStar = /\*$/.test(v);
        parts.push(el.dataset.code + "=" + (keepStar ? v : quote(v)));
      });
      document.querySelectorAll("#builder [data-range]").forEach(function (el) {
        if (el.dataset.end === "from") from = el.value; else to = el.value;
      });
      if (from || to) parts.push("申请日=[" + (from || "*") + " TO " + (to || "*") + "]");
      var expr = parts.join(" AND ");
      var not = document.querySelector("#builder [data-not]");
      if (not && not.value.trim()) expr = (expr ? expr + " " : "") + "NOT " + quote(not.value.trim());
      document.getElementById("q").value = expr;
      document.getElementById("search-form").submit();
    });
  }
  // A new sort order or page size applies at once to the search on screen (the
  // 检索 button does the same without script); the page restarts at 1.
  document.querySelectorAll("#search-form select").forEach(function (el) {
    el.addEventListener("change", function () {
      if (document.getElementById("q").value.trim()) document.getElementById("search-form").submit();
    });
  });
  // Year trend chart (ECharts) from the data-series attribute.
  window.addEventListener("load", function () {
    var el = document.getElementById("year-chart");
    if (!el || !window.echarts) return;
    var data = JSON.parse(el.dataset.series || "[]");
    if (!data.length) { el.style.display = "none"; return; }
    var chart = echarts.init(el);
    chart.setOption({
      grid: { left: 40, right: 10, top: 10, bottom: 25 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.map(function (d) { return d[0]; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: data.map(function (d) { return d[1]; }), itemStyle: { color: "#0b4f9c" } }]
    });
  });
})();
