// The 民意温度计 on the console: three Chart.js charts drawn from
// GET /console/api/thermometer?start=YYYY-MM-DD&end=YYYY-MM-DD.
(function () {
  "use strict";
  var form = document.getElementById("thermo-range");
  var summary = document.getElementById("thermo-summary");
  if (!form || !window.Chart) { return; }
  var charts = {};
  Chart.defaults.font.family = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "PingFang SC", sans-serif';
  Chart.defaults.animation = false;

  function draw(id, config) {
    if (charts[id]) { charts[id].destroy(); }
    charts[id] = new Chart(document.getElementById(id), config);
  }

  function short(day) { return day.slice(5); }

  // Each chart drills into the tickets behind it: the queue, filtered.
  function drill(params) {
    return function (event, elements) {
      if (!elements.length) { return; }
      window.location.href = "/console?" + new URLSearchParams(params(elements[0].index)).toString();
    };
  }

  function render(data) {
    var labels = data.daily.map(function (d) { return short(d.day); });
    var mood = data.sentiment === null ? "暂无" : (data.sentiment < -0.2 ? "偏负面" : (data.sentiment > 0.2 ? "偏正面" : "平稳"));
    summary.textContent = data.range.start + " 至 " + data.range.end + "：共 " + data.total + " 件工单，整体情绪" + mood + "。";
    draw("chart-daily", {type: "bar", data: {labels: labels, datasets: [
      {label: "工单", data: data.daily.map(function (d) { return d.total - d.emergency; }), backgroundColor: "#4a7bd0", stack: "n"},
      {label: "特急", data: data.daily.map(function (d) { return d.emergency; }), backgroundColor: "#d0453a", stack: "n"}
    ]}, options: {onClick: drill(function (i) { return {since: data.daily[i].day, until: data.daily[i].day}; }),
      maintainAspectRatio: false, scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true, ticks: {precision: 0}}}}});
    draw("chart-sentiment", {type: "line", data: {labels: labels, datasets: [
      {label: "平均情绪（-1 负面 … 1 正面）", data: data.daily.map(function (d) { return d.sentiment; }), borderColor: "#e08a1e", backgroundColor: "#e08a1e", spanGaps: true, yAxisID: "y"},
      {label: "负面工单", type: "bar", data: data.daily.map(function (d) { return d.negative; }), backgroundColor: "rgba(208,69,58,0.35)", yAxisID: "n"}
    ]}, options: {onClick: drill(function (i) { return {since: data.daily[i].day, until: data.daily[i].day}; }),
      maintainAspectRatio: false, scales: {y: {min: -1, max: 1, position: "left"}, n: {beginAtZero: true, position: "right", grid: {drawOnChartArea: false}, ticks: {precision: 0}}}}});
    var topics = data.topics.items;
    draw("chart-topics", {type: "bar", data: {labels: topics.map(function (t) { return t.category; }), datasets: [
      {label: "本周", data: topics.map(function (t) { return t.this_week; }), backgroundColor: "#d0453a"},
      {label: "上周", data: topics.map(function (t) { return t.last_week; }), backgroundColor: "#9aa5b1"}
    ]}, options: {onClick: drill(function (i) {
        return {category: topics[i].category, since: data.topics.this_week.start, until: data.topics.this_week.end};
      }), indexAxis: "y", maintainAspectRatio: false, scales: {x: {beginAtZero: true, ticks: {precision: 0}}}}});
    var moods = data.by_category;
    draw("chart-categories", {type: "bar", data: {labels: moods.map(function (m) { return m.category; }), datasets: [
      {label: "平均情绪", data: moods.map(function (m) { return m.sentiment; }),
       backgroundColor: moods.map(function (m) { return m.sentiment < -0.2 ? "#d0453a" : (m.sentiment > 0.2 ? "#2e7d5b" : "#e0b01e"); })}
    ]}, options: {onClick: drill(function (i) {
        return {category: moods[i].category, since: data.range.start, until: data.range.end};
      }), maintainAspectRatio: false, plugins: {legend: {display: false}}, scales: {y: {min: -1, max: 1}}}});
    var deps = data.compliance;
    function range(extra) { return function (i) {
      var p = {department: deps[i].department, since: data.range.start, until: data.range.end};
      if (extra) { p.overdue = "1"; }
      return p; }; }
    draw("chart-compliance", {type: "bar", data: {labels: deps.map(function (d) { return d.department; }), datasets: [
      {label: "按期办结", data: deps.map(function (d) { return d.on_time; }), backgroundColor: "#2e7d5b", stack: "s"},
      {label: "超期办结", data: deps.map(function (d) { return d.late; }), backgroundColor: "#e0b01e", stack: "s"},
      {label: "超期未办", data: deps.map(function (d) { return d.overdue; }), backgroundColor: "#d0453a", stack: "s"},
      {label: "办理中", data: deps.map(function (d) { return d.open; }), backgroundColor: "#9aa5b1", stack: "s"}
    ]}, options: {onClick: function (event, elements) {
        if (!elements.length) { return; }
        drill(range(elements[0].datasetIndex === 2))(event, elements);
      }, indexAxis: "y", maintainAspectRatio: false, scales: {x: {stacked: true, beginAtZero: true, ticks: {precision: 0}}, y: {stacked: true}}}});
    var s = data.satisfaction;
    function avg(part) { return part.count ? part.average.toFixed(1) + " 分（" + part.count + " 件）" : "暂无"; }
    document.getElementById("thermo-satisfaction").textContent =
      "回访满意度：" + avg(s.follow_up) + "；居民自评：" + avg(s.residents) + "。满分 5 分。";
    heatMap(data);
    document.getElementById("thermometer").setAttribute("data-loaded", String(data.total));
  }

  // The hot spots as a table: a cell's shade is its share of the busiest cell, red when
  // its tickets lean negative; a cell opens the queue on those tickets.
  function heatMap(data) {
    var box = document.getElementById("hot-spots");
    var spots = data.hot_spots;
    box.textContent = "";
    if (!spots.places.length) { box.textContent = "这段时间的工单没有可识别的地点。"; return; }
    var most = 1;
    spots.places.forEach(function (p) { p.cells.forEach(function (c) { most = Math.max(most, c.total); }); });
    var table = document.createElement("table");
    table.className = "heat";
    var head = table.createTHead().insertRow();
    head.appendChild(document.createElement("th"));
    spots.categories.forEach(function (c) { var th = document.createElement("th"); th.textContent = c; head.appendChild(th); });
    var body = table.createTBody();
    spots.places.forEach(function (p) {
      var row = body.insertRow();
      var th = document.createElement("th");
      th.textContent = p.place;
      row.appendChild(th);
      p.cells.forEach(function (c, i) {
        var cell = row.insertCell();
        if (!c.total) { cell.className = "heat-0"; return; }
        var level = Math.max(1, Math.ceil(5 * c.total / most));
        cell.className = (c.sentiment !== null && c.sentiment < -0.2 ? "heat-n" : "heat-m") + level;
        var link = document.createElement("a");
        link.textContent = String(c.total);
        link.title = p.place + " · " + spots.categories[i] + "：" + c.total + " 件，负面 " + c.negative + " 件";
        link.href = "/console?" + new URLSearchParams({q: p.place, category: spots.categories[i],
                                                        since: data.range.start, until: data.range.end}).toString();
        cell.appendChild(link);
      });
    });
    box.appendChild(table);
  }

  function load() {
    var params = new URLSearchParams(new FormData(form));
    fetch("/console/api/thermometer?" + params.toString(), {credentials: "same-origin"})
      .then(function (resp) { return resp.json().then(function (body) { return {ok: resp.ok, body: body}; }); })
      .then(function (r) {
        if (!r.ok) { summary.textContent = (r.body.error && r.body.error.message) || "数据暂时取不到。"; return; }
        render(r.body);
      })
      .catch(function () { summary.textContent = "数据暂时取不到。"; });
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
  load();
}());
