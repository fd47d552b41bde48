/* The exposure map: ECharts draws the city's districts from the boundary script installed by
   npm (it registers the map with ECharts before this file runs), shaded by the figures of the
   page's json_script "map-data". Districts are matched to polygons by code (the features' ids
   are the districts' codes); a district without a polygon has a point instead. The table
   beside the map holds the same figures and links, and is what assistive technology reads. */
(function () {
  "use strict";
  var source = document.getElementById("map-data");
  var element = document.querySelector("[data-map]");
  if (!source || !element || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var registered = window.echarts.getMap(data.map);
  var geojson = registered && (registered.geoJSON || registered.geoJson);
  if (!geojson) {
    return;
  }
  var block = element.closest(".map-block");
  var ramps = {
    listed: ["#fbe4e0", "#8b1c1c"],
    overdue: ["#fdebd3", "#9a3c00"],
    rectified_share: ["#e4f1df", "#2e6b30"]
  };
  var polygonName = {};
  geojson.features.forEach(function (feature) {
    polygonName[String(feature.id || "")] = feature.properties.name;
  });
  var districts = data.districts.map(function (district) {
    return Object.assign({ polygon: polygonName[district.code] || null }, district);
  });
  var metricsByKey = {};
  data.metrics.forEach(function (metric) {
    metricsByKey[metric.key] = metric;
  });

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = String(text);
    return div.innerHTML;
  }

  function figure(district, metric) {
    var value = district.values[metric.key];
    if (value === null) {
      return data.text.none;
    }
    return (metric.unit === "%" ? value.toFixed(1) : String(value)) + metric.unit;
  }

  function tooltip(district, armed) {
    var lines = ["<strong>" + escape(district.name) + "</strong>"];
    data.metrics.forEach(function (metric) {
      lines.push(escape(metric.label + "：" + figure(district, metric)));
    });
    if (armed && district.urls[current]) {
      lines.push(escape(data.text.tap_again));
    }
    return lines.join("<br>");
  }

  function value(district, key) {
    var raw = district.values[key];
    return raw === null ? NaN : raw;
  }

  // Names on a light box, readable over the darkest shade.
  var label = {
    show: true,
    color: "#1a1a1a",
    fontSize: 12,
    backgroundColor: "rgba(255, 255, 255, 0.85)",
    padding: [1, 3],
    borderRadius: 2
  };

  function option(key) {
    var metric = metricsByKey[key];
    var max = key === "rectified_share" ? 100 : 1;
    districts.forEach(function (district) {
      if (key !== "rectified_share" && district.values[key] > max) {
        max = district.values[key];
      }
    });
    var scale = { min: 0, max: max, inRange: { color: ramps[key] }, outOfRange: { color: "#d9d9d9" } };
    return {
      animation: false,
      tooltip: {
        trigger: "item",
        confine: true,
        formatter: function (params) {
          var district = params.data && params.data.district;
          return district ? tooltip(district, params.data.district === armedDistrict) : "";
        }
      },
      visualMap: [
        Object.assign({
          type: "continuous",
          seriesIndex: 0,
          orient: "horizontal",
          left: "center",
          bottom: 0,
          itemHeight: 140,
          itemWidth: 12,
          calculable: false,
          text: [max + metric.unit + " " + data.text.high, "0" + metric.unit + " " + data.text.low],
          textStyle: { color: "#1a1a1a" }
        }, scale),
        // The points take the same colours from the third value of [longitude, latitude, value].
        Object.assign({ show: false, seriesIndex: 1, dimension: 2 }, scale)
      ],
      geo: {
        map: data.map,
        roam: false,
        top: 8,
        bottom: 44,
        left: 8,
        right: 8,
        label: label,
        itemStyle: { areaColor: "#d9d9d9", borderColor: "#4a4a4a", borderWidth: 1 },
        emphasis: {
          label: Object.assign({}, label, { fontWeight: "bold" }),
          // The site's focus colour marks the district under the pointer.
          itemStyle: { areaColor: "#ffdd00", borderColor: "#000", borderWidth: 2 }
        },
        select: { disabled: true }
      },
      series: [
        {
          type: "map",
          geoIndex: 0,
          data: districts
            .filter(function (district) {
              return district.polygon;
            })
            .map(function (district) {
              return { name: district.polygon, value: value(district, key), district: district };
            })
        },
        {
          type: "scatter",
          coordinateSystem: "geo",
          symbol: "circle",
          symbolSize: 18,
          itemStyle: { borderColor: "#1a1a1a", borderWidth: 2 },
          label: Object.assign({}, label, { position: "right", distance: 6, formatter: "{b}" }),
          data: districts
            .filter(function (district) {
              return !district.polygon && district.point;
            })
            .map(function (district) {
              return {
                name: district.short,
                value: district.point.concat([value(district, key)]),
                district: district
              };
            })
        }
      ]
    };
  }

  block.classList.add("map-block--drawn");
  var chart = window.echarts.init(element, null, { renderer: "svg" });
  var current = "listed";
  var armedDistrict = null;
  var lastPointer = "mouse";
  chart.setOption(option(current));
  element.setAttribute("data-map-districts", String(Object.keys(polygonName).length));

  // A tap shows the figures first; a second tap on the same district opens its list. A mouse
  // shows them on hover, so its click opens the list at once.
  element.addEventListener("pointerdown", function (event) {
    lastPointer = event.pointerType || "mouse";
  }, true);
  chart.on("click", function (params) {
    var district = params.data && params.data.district;
    if (!district) {
      return;
    }
    // A figure of nothing (no overdue case there) has no list to open: the figures show.
    if (!district.urls[current]) {
      chart.dispatchAction({ type: "showTip", seriesIndex: params.seriesIndex, dataIndex: params.dataIndex });
      return;
    }
    if (lastPointer === "touch" && armedDistrict !== district) {
      armedDistrict = district;
      chart.dispatchAction({ type: "showTip", seriesIndex: params.seriesIndex, dataIndex: params.dataIndex });
      return;
    }
    window.location.assign(district.urls[current]);
  });
  chart.on("globalout", function () {
    armedDistrict = null;
  });

  var switcher = block.querySelector("[data-map-switch]");
  if (switcher) {
    switcher.addEventListener("change", function (event) {
      if (event.target && metricsByKey[event.target.value]) {
        current = event.target.value;
        armedDistrict = null;
        chart.setOption(option(current), { replaceMerge: ["series", "visualMap"] });
      }
    });
  }

  window.addEventListener("resize", function () {
    chart.resize();
  });
})();
