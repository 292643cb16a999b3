/* Draw the dashboard's charts with Apache ECharts from the API (the tables under each chart are server-rendered
   and stay usable without JavaScript). */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var t = JSON.parse(document.getElementById("dash-i18n").textContent);
  var cache = {};

  function load(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
    }
    return cache[url];
  }
  // ECharts renders a formatter's result as HTML: anything a user typed (site and machine names) is escaped.
  var esc = echarts.format.encodeHTML;
  function pct(v) { return v === null || v === undefined ? null : Math.round(v * 1000) / 10; }
  function grid(extra) { return Object.assign({left: 8, right: 24, top: 40, bottom: 24, containLabel: true}, extra || {}); }

  var builders = {
    heatmap: function (d) {
      var cells = d.cells.map(function (c) { return [c[0], c[1], pct(c[2])]; });
      return {
        tooltip: {position: "top", formatter: function (p) {
          return esc(d.factories[p.value[1]].label) + "<br>" + esc(d.days[p.value[0]]) + ": " + (p.value[2] === null ? "—" : p.value[2] + "%");
        }},
        grid: grid({bottom: 60}),
        xAxis: {type: "category", data: d.days, splitArea: {show: true}},
        yAxis: {type: "category", data: d.factories.map(function (f) { return f.label; }), splitArea: {show: true}},
        visualMap: {min: 0, max: 100, calculable: true, orient: "horizontal", left: "center", bottom: 0, text: ["100%", "0%"]},
        dataZoom: d.days.length > 31 ? [{type: "slider", xAxisIndex: 0, bottom: 30, height: 14}] : [],
        series: [{name: t.utilisation, type: "heatmap", data: cells}]
      };
    },
    trend: function (d) {
      return {
        tooltip: {trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; }},
        legend: {type: "scroll", top: 0},
        grid: grid(),
        xAxis: {type: "category", data: d.keys},
        yAxis: {type: "value", name: t.utilisation, min: 0, max: 100},
        series: d.series.map(function (s) {
          return {name: s.label || t.cluster, type: "line", smooth: true, connectNulls: true, showSymbol: false,
                  lineStyle: {width: s.key === "all" ? 3 : 1.5}, data: s.values.map(pct)};
        })
      };
    },
    utilisation: function (d) {
      var items = d.items.slice().reverse();
      var horizontal = d.group_by !== "day" && d.group_by !== "week";
      var cat = {type: "category", data: items.map(function (i) { return i.label; }), axisLabel: {width: 160, overflow: "truncate"}};
      var val = {type: "value", name: t.utilisation, min: 0, max: 100};
      return {
        tooltip: {trigger: "axis"}, grid: grid(),
        xAxis: horizontal ? val : Object.assign(cat, {data: d.items.map(function (i) { return i.label; })}),
        yAxis: horizontal ? cat : val,
        dataZoom: horizontal && items.length > 20 ? [{type: "slider", yAxisIndex: 0, right: 0, width: 14, start: 100 - 2000 / items.length, end: 100}] : [],
        series: [{name: t.utilisation, type: "bar", data: (horizontal ? items : d.items).map(function (i) { return pct(i.utilisation); })}]
      };
    },
    "under-used": function (d) {
      var items = d.items.slice().reverse();
      return {
        tooltip: {trigger: "axis"}, grid: grid(),
        xAxis: {type: "value", name: t.spare},
        yAxis: {type: "category", data: items.map(function (i) { return i.label + " · " + i.factory; }), axisLabel: {width: 170, overflow: "truncate"}},
        series: [{name: t.spare, type: "bar", data: items.map(function (i) { return i.spare_h; })}]
      };
    },
    "over-demanded": function (d) {
      var items = d.items.slice().reverse();
      return {
        tooltip: {trigger: "axis"}, grid: grid(),
        xAxis: {type: "value", name: t.ratio},
        yAxis: {type: "category", data: items.map(function (i) { return i.label; })},
        series: [{name: t.ratio, type: "bar", data: items.map(function (i) {
          return {value: i.ratio === null ? 999 : pct(i.ratio), itemStyle: {color: i.status === "shortage" ? "#c62828" : (i.status === "tight" ? "#ef6c00" : "#2e7d32")}};
        })}]
      };
    },
    "demand-supply": function (d) {
      return {
        tooltip: {trigger: "axis"}, legend: {top: 0}, grid: grid({bottom: 40}),
        xAxis: {type: "category", data: d.items.map(function (i) { return i.label; }), axisLabel: {rotate: 35, interval: 0}},
        yAxis: {type: "value", name: t.hours},
        series: [
          {name: t.demand, type: "bar", data: d.items.map(function (i) {
            return {value: i.demand_h, itemStyle: {color: i.status === "shortage" ? "#c62828" : (i.status === "tight" ? "#ef6c00" : "#5470c6")}};
          })},
          {name: t.offered, type: "bar", data: d.items.map(function (i) { return i.offered_h; })},
          {name: t.booked, type: "bar", data: d.items.map(function (i) { return i.booked_h; })}
        ]
      };
    },
    funnel: function (d) {
      var stages = d.items.filter(function (k) { return k.key === "order_funnel"; })[0].value.stages;
      return {
        tooltip: {trigger: "item"},
        series: [{name: t.orders, type: "funnel", sort: "none", left: "10%", width: "80%", label: {position: "inside"},
                  data: ["posted", "quoted", "accepted", "completed"].map(function (k) {
                    return {name: t.stages[k] + ": " + stages[k], value: stages[k]};
                  })}]
      };
    },
    firms: function (d) {
      var counts = d.items.filter(function (k) { return k.key === "firms"; })[0].value;
      return {
        tooltip: {trigger: "item"}, legend: {bottom: 0},
        series: [{type: "pie", radius: ["35%", "65%"], label: {formatter: "{b}: {c}"},
                  data: ["factory", "buyer", "lessor", "operator"].map(function (k) { return {name: t.kinds[k], value: counts[k]}; })}]
      };
    }
  };

  var charts = [];
  document.querySelectorAll(".dash-figure[data-api]").forEach(function (section) {
    var name = section.dataset.figure, el = section.querySelector(".dash-chart"), details = section.querySelector("details");
    if (!el || !builders[name]) { return; }
    if (details) { details.open = false; }
    var chart = echarts.init(el, null, {locale: t.locale, renderer: "canvas"});
    charts.push(chart);
    chart.showLoading();
    load(section.dataset.api).then(function (data) {
      chart.hideLoading();
      chart.setOption(builders[name](data));
      el.dataset.ready = "1";
    }).catch(function () {
      chart.hideLoading();
      el.classList.add("failed");
      if (details) { details.open = true; }
      var p = document.createElement("p"); p.className = "error"; p.textContent = t.error; el.after(p);
    });
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());
