/* Statistics charts: ECharts draws each chart from the page's json_script data. The table
   beside each chart holds the same figures and is what assistive technology reads. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  var charts = JSON.parse(source.textContent);
  var palette = ["#8b1c1c", "#0b4f8a", "#2e6b30", "#7a4b00", "#5b2a86", "#4a4a4a"];
  var instances = [];

  function barOption(data, horizontal) {
    var category = { type: "category", data: data.labels, axisLabel: { interval: 0 } };
    var value = { type: "value", minInterval: 1 };
    return {
      color: palette,
      animation: false,
      grid: { left: 8, right: 32, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: horizontal ? value : Object.assign(category, { axisLabel: { interval: 0, rotate: 30 } }),
      yAxis: horizontal ? Object.assign(category, { inverse: true }) : value,
      series: [{ type: "bar", data: data.values, label: { show: true, position: horizontal ? "right" : "top" } }]
    };
  }

  function groupedOption(data) {
    return {
      color: palette,
      animation: false,
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: 20 } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (serie) {
        return { type: "bar", name: serie.name, data: serie.values };
      })
    };
  }

  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var name = element.getAttribute("data-chart");
    var data = charts[name];
    if (!data) {
      return;
    }
    var option;
    if (data.series) {
      option = groupedOption(data);
    } else {
      option = barOption(data, name === "districts" || name === "industries" || name === "dispositions");
    }
    element.classList.add("chart--drawn");
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option);
    instances.push(chart);
  });

  window.addEventListener("resize", function () {
    instances.forEach(function (chart) {
      chart.resize();
    });
  });
})();
