// xinfang report: our own small script. It draws the charts from the JSON blocks
// beside them and makes every data table sortable, filterable and downloadable as
// CSV. It never builds HTML from data: text goes in through textContent only.
(function () {
  "use strict";

  function initCharts() {
    var boxes = document.querySelectorAll("div.chart[data-chart]");
    var made = [];
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var src = document.getElementById(box.getAttribute("data-chart"));
      if (!src || typeof echarts === "undefined") continue;
      var payload = JSON.parse(src.textContent);
      var opt = payload.option || {};
      // Tooltips drawn on the canvas, not as HTML: a hostile unit name stays text.
      var tips = [].concat(opt.tooltip || {});
      for (var t = 0; t < tips.length; t++) { tips[t].renderMode = "richText"; }
      opt.tooltip = tips.length === 1 ? tips[0] : tips;
      var links = payload.links || null;
      if (links) {
        [].concat(opt.yAxis || []).concat(opt.xAxis || []).forEach(function (ax) {
          if (ax && ax.type === "category") ax.triggerEvent = true;
        });
      }
      var chart = echarts.init(box, null, { renderer: "canvas" });
      chart.setOption(opt);
      if (links) {
        chart.on("click", function (links) {
          return function (p) {
            var key = p.componentType === "series" ? p.name : p.value;
            if (p.componentType === "series" && p.seriesType === "heatmap") {
              var yAxis = [].concat(this.getOption().yAxis)[0];
              key = yAxis.data[p.value[1]];
            }
            if (Object.prototype.hasOwnProperty.call(links, key)) {
              window.location.href = links[key];
            }
          };
        }(links));
      }
      made.push(chart);
    }
    window.addEventListener("resize", function () { made.forEach(function (c) { c.resize(); }); });
    window.addEventListener("beforeprint", function () { made.forEach(function (c) { c.resize(); }); });
  }

  function cellValue(td) {
    var s = td.getAttribute("data-sort");
    if (s !== null && s !== "") { var n = parseFloat(s); if (!isNaN(n)) return n; }
    return td.textContent.trim();
  }

  function sortBy(table, col, th) {
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var asc = th.getAttribute("data-dir") !== "asc";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("data-dir"); });
    th.setAttribute("data-dir", asc ? "asc" : "desc");
    rows.sort(function (a, b) {
      var x = cellValue(a.cells[col]), y = cellValue(b.cells[col]);
      var r;
      if (typeof x === "number" && typeof y === "number") r = x - y;
      else if (typeof x === "number") r = -1;
      else if (typeof y === "number") r = 1;
      else r = String(x).localeCompare(String(y), "zh");
      return asc ? r : -r;
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
  }

  function csvField(s) {
    // A leading = + - @ (not a plain number), tab or CR would be a formula in a
    // spreadsheet: quote it as text (the rule of export.Neutralise in Go).
    if (/^[\t\r]/.test(s) || (/^[=+\-@]/.test(s) && isNaN(Number(s)) && s !== "-" && s !== "+")) s = "'" + s;
    if (/[",\n\r]/.test(s)) s = '"' + s.replace(/"/g, '""') + '"';
    return s;
  }

  function downloadCSV(table) {
    var lines = [];
    var head = Array.prototype.map.call(table.tHead.rows[0].cells, function (c) { return csvField(c.textContent.trim()); });
    lines.push(head.join(","));
    Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
      if (r.style.display === "none") return;
      lines.push(Array.prototype.map.call(r.cells, function (c) { return csvField(c.textContent.trim()); }).join(","));
    });
    var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = (table.getAttribute("data-csv") || "table") + ".csv";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  function initTables() {
    var L = (document.documentElement.lang || "zh").indexOf("en") === 0
      ? { filter: "Filter…", csv: "Download CSV", rows: " rows" }
      : { filter: "筛选…", csv: "下载 CSV", rows: " 行" };
    var tables = document.querySelectorAll("table.data");
    Array.prototype.forEach.call(tables, function (table) {
      var bar = document.createElement("div");
      bar.className = "toolbar";
      var input = document.createElement("input");
      input.type = "search";
      input.placeholder = L.filter;
      var btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = L.csv;
      var count = document.createElement("span");
      count.className = "count";
      var total = table.tBodies[0].rows.length;
      count.textContent = total + L.rows;
      bar.appendChild(input); bar.appendChild(btn); bar.appendChild(count);
      table.parentNode.insertBefore(bar, table);
      input.addEventListener("input", function () {
        var q = input.value.trim().toLowerCase(), shown = 0;
        Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
          var hit = q === "" || r.textContent.toLowerCase().indexOf(q) >= 0;
          r.style.display = hit ? "" : "none";
          if (hit) shown++;
        });
        count.textContent = (q === "" ? total : shown + " / " + total) + L.rows;
      });
      btn.addEventListener("click", function () { downloadCSV(table); });
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
        th.addEventListener("click", function () { sortBy(table, i, th); });
      });
    });
  }

  function start() { initTables(); initCharts(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
