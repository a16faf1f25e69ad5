// xinfang report: our own small script. It draws the charts from the JSON blocks
// beside them and makes every data table sortable, filterable and downloadable as
// CSV. It never builds HTML from data: text goes in through textContent only.
(function () {
  "use strict";

  var chartsById = {}; // chart container id -> {chart, box, area: its first series' markArea as drawn}

  // richText tooltips: drawn on the canvas, not as HTML, so a hostile unit name stays text.
  function textTooltips(opt) {
    var tips = [].concat(opt.tooltip || {});
    for (var t = 0; t < tips.length; t++) { tips[t].renderMode = "richText"; }
    opt.tooltip = tips.length === 1 ? tips[0] : tips;
  }

  function initCharts() {
    var boxes = document.querySelectorAll("div.chart[data-chart]");
    var made = [];
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var src = document.getElementById(box.getAttribute("data-chart"));
      if (!src || typeof echarts === "undefined") continue;
      var payload = JSON.parse(src.textContent);
      var opt = payload.option || {};
      textTooltips(opt);
      var links = payload.links || null;
      if (links) {
        [].concat(opt.yAxis || []).concat(opt.xAxis || []).forEach(function (ax) {
          if (ax && ax.type === "category") ax.triggerEvent = true;
        });
      }
      var chart = echarts.init(box, null, { renderer: "canvas" });
      chart.setOption(opt);
      var s0 = [].concat(opt.series || [])[0];
      chartsById[box.id] = { chart: chart, box: box, links: !!links, area: s0 && s0.markArea ? s0.markArea : null };
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

  // isNumeric: a column whose header says so, or whose first sortable cell is a number.
  function isNumeric(table, col, th) {
    if (th.classList.contains("num")) return true;
    var rows = table.tBodies[0].rows;
    for (var i = 0; i < rows.length && i < 20; i++) {
      var c = rows[i].cells[col];
      if (c && c.getAttribute("data-sort")) return typeof cellValue(c) === "number";
    }
    return false;
  }

  // sortBy sorts on col: numbers descending on the first click (the largest first is
  // what a reader looks for), text ascending; a second click reverses. aria-sort
  // tells a screen reader which column orders the table and how.
  function sortBy(table, col, th, state) {
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var cur = th.getAttribute("data-dir");
    var asc = cur ? cur !== "asc" : !isNumeric(table, col, th);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) {
      c.removeAttribute("data-dir");
      c.setAttribute("aria-sort", "none");
    });
    th.setAttribute("data-dir", asc ? "asc" : "desc");
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
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
    state.page = 0;
    state.show();
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
      if (r.getAttribute("data-out") === "1") return; // filtered out; rows on other pages are kept
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

  var PAGE = 100; // rows a page shows; the rest are a click on "next" away

  function initTables() {
    var L = (document.documentElement.lang || "zh").indexOf("en") === 0
      ? { filter: "Filter…", filterLabel: "Filter the table", csv: "Download CSV", rows: " rows", row: " row", prev: "Previous", next: "Next", page: "Page ", of: " of ", sort: "Sort by " }
      : { filter: "筛选…", filterLabel: "筛选表格", csv: "下载 CSV", rows: " 行", row: " 行", prev: "上一页", next: "下一页", page: "第 ", of: " 页，共 ", sort: "排序：" };
    var tables = document.querySelectorAll("table.data");
    Array.prototype.forEach.call(tables, function (table) {
      var bar = document.createElement("div");
      bar.className = "toolbar";
      var input = document.createElement("input");
      input.type = "search";
      input.placeholder = L.filter;
      input.setAttribute("aria-label", L.filterLabel);
      var btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = L.csv;
      var count = document.createElement("span");
      count.className = "count";
      count.setAttribute("aria-live", "polite");
      var total = table.tBodies[0].rows.length;
      count.textContent = total + (total === 1 ? L.row : L.rows);
      bar.appendChild(input); bar.appendChild(btn); bar.appendChild(count);
      table.parentNode.insertBefore(bar, table);

      // Paging: rows matching the filter, PAGE at a time, in the current order.
      var pager = document.createElement("div");
      pager.className = "pager";
      var prev = document.createElement("button");
      prev.type = "button";
      prev.textContent = "‹ " + L.prev;
      var next = document.createElement("button");
      next.type = "button";
      next.textContent = L.next + " ›";
      var where = document.createElement("span");
      where.className = "where";
      where.setAttribute("aria-live", "polite");
      pager.appendChild(prev); pager.appendChild(where); pager.appendChild(next);
      table.parentNode.insertBefore(pager, table.nextSibling);
      var state = { page: 0 };
      state.show = function () {
        var hits = Array.prototype.filter.call(table.tBodies[0].rows, function (r) { return r.getAttribute("data-out") !== "1"; });
        var pages = Math.max(1, Math.ceil(hits.length / PAGE));
        if (state.page >= pages) state.page = pages - 1;
        Array.prototype.forEach.call(table.tBodies[0].rows, function (r) { r.style.display = "none"; });
        hits.forEach(function (r, i) {
          if (Math.floor(i / PAGE) === state.page) r.style.display = "";
        });
        pager.hidden = hits.length <= PAGE;
        prev.disabled = state.page === 0;
        next.disabled = state.page >= pages - 1;
        where.textContent = L.page + (state.page + 1) + L.of + pages + (L.of === " of " ? "" : " 页");
      };
      prev.addEventListener("click", function () { if (state.page > 0) { state.page--; state.show(); } });
      next.addEventListener("click", function () { state.page++; state.show(); });

      var filter = function () {
        var q = input.value.trim().toLowerCase(), shown = 0;
        total = table.tBodies[0].rows.length;
        Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
          var hit = q === "" || r.textContent.toLowerCase().indexOf(q) >= 0;
          if (hit) { r.removeAttribute("data-out"); shown++; } else r.setAttribute("data-out", "1");
        });
        count.textContent = (q === "" ? total : shown + " / " + total) + (total === 1 ? L.row : L.rows);
        state.page = 0;
        state.show();
      };
      input.addEventListener("input", filter);
      // The period picker replaced the rows: unsorted again, the filter re-applied.
      table.xfRefresh = function () {
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) {
          c.removeAttribute("data-dir");
          c.setAttribute("aria-sort", "none");
        });
        filter();
      };
      btn.addEventListener("click", function () { downloadCSV(table); });
      // Sorting from the keyboard: each header's label goes inside a button (Tab to
      // it, Enter or Space sorts), and the header carries aria-sort.
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
        th.setAttribute("aria-sort", "none");
        th.setAttribute("scope", "col");
        var b = document.createElement("button");
        b.type = "button";
        b.className = "sort";
        while (th.firstChild) b.appendChild(th.firstChild);
        b.setAttribute("title", L.sort + b.textContent.trim());
        th.appendChild(b);
        b.addEventListener("click", function () { sortBy(table, i, th, state); });
      });
      state.show();
    });
  }

  // The period picker (charts/picker.go). Every value it shows was formatted by the
  // report from the marts; here we only put the chosen period's precomputed values in
  // place, text through textContent. The views live in data/<page>.js (small ones, every
  // period) and data/<page>-<period>.js (large ones), loaded with a <script src> when a
  // period is first chosen (this works from file://, where fetch does not).
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function setCard(card, p) {
    if (typeof p === "string") { card.querySelector(".value").textContent = p; return; } // a value alone
    card.className = "card" + (p.c ? " " + p.c : "");
    while (card.firstChild) card.removeChild(card.firstChild);
    card.appendChild(el("div", "label", p.l));
    card.appendChild(el("div", "value", p.v));
    if (p.s) card.appendChild(el("div", "sub", p.s));
    if (p.w) card.appendChild(el("div", "why", p.w));
    (p.d || []).forEach(function (d) {
      var div = el("div", "delta" + (d[2] ? " " + d[2] : ""));
      div.appendChild(el("span", "arrow", d[3]));
      div.appendChild(document.createTextNode(" " + d[0] + " " + d[1]));
      card.appendChild(div);
    });
  }

  // makeCell builds a <td> from [text, sort, class, href] (picker.go encCell): sort 1 is
  // the text itself, 2 the text without its thousands commas; a missing class is the
  // table's default dc, 0 none.
  function makeCell(c, dc) {
    var td = document.createElement("td");
    var cls = c.length > 2 && c[2] !== "" ? c[2] : dc;
    if (cls) td.className = cls;
    var sort = c[1] === 1 ? c[0] : c[1] === 2 ? c[0].replace(/,/g, "") : c[1];
    if (sort) td.setAttribute("data-sort", sort);
    if (c[3]) { var a = el("a", "", c[0]); a.setAttribute("href", c[3]); td.appendChild(a); }
    else td.textContent = c[0];
    return td;
  }

  function setTable(table, p) {
    var tb = table.tBodies[0];
    var frag = document.createDocumentFragment();
    p.rows.forEach(function (row) {
      var tr;
      if (row.r !== undefined && table.xfBase && table.xfBase[row.r]) {
        tr = table.xfBase[row.r].cloneNode(false);
        tr.appendChild(table.xfBase[row.r].cells[0].cloneNode(true));
      } else tr = document.createElement("tr");
      row.c.forEach(function (c) { tr.appendChild(makeCell(c, p.dc || "")); });
      frag.appendChild(tr);
    });
    while (tb.firstChild) tb.removeChild(tb.firstChild);
    tb.appendChild(frag);
    if (table.xfRefresh) table.xfRefresh();
  }

  function setTitle(h, text) {
    h.textContent = text;
    var sec = h.closest("section");
    if (sec && sec.id) {
      var a = document.querySelector('nav.toc a[href="#' + sec.id + '"]');
      if (a) a.textContent = text;
    }
  }

  function setChart(c, p) {
    if (p.option) {
      var opt = JSON.parse(JSON.stringify(p.option));
      textTooltips(opt);
      if (c.links) {
        [].concat(opt.yAxis || []).concat(opt.xAxis || []).forEach(function (ax) {
          if (ax && ax.type === "category") ax.triggerEvent = true;
        });
      }
      if (p.h) c.box.style.height = p.h + "px";
      c.chart.setOption(opt, true);
      c.chart.resize();
      return;
    }
    // A band over the chosen period's months, beside the partial-month band.
    var area = c.area ? JSON.parse(JSON.stringify(c.area)) : { silent: true, data: [] };
    if (p.band) {
      area.data = (area.data || []).concat([[
        { name: p.band[2], xAxis: p.band[0], itemStyle: { color: "rgba(31,78,121,0.16)" },
          label: { show: true, position: "insideTop", color: "#1f4e79", fontWeight: "bold" } },
        { xAxis: p.band[1] }]]);
    }
    c.chart.setOption({ series: [{ markArea: area }] });
  }

  function apply(items, view) {
    if (view.chosen !== undefined || view["kpi-0"] !== undefined) {
      Array.prototype.forEach.call(document.querySelectorAll(".card.chosen"), function (c) { c.classList.remove("chosen"); });
    }
    Object.keys(view).forEach(function (id) {
      if (id === "chosen") return; // after the cards, below
      var p = items[view[id]];
      var nodes = document.querySelectorAll('[data-pk="' + id + '"]');
      Array.prototype.forEach.call(nodes, function (n) {
        if (n.classList.contains("card")) setCard(n, p);
        else if (n.tagName === "TABLE") setTable(n, p);
        else setTitle(n, p);
      });
      if (chartsById[id]) setChart(chartsById[id], p);
    });
    if (view.chosen !== undefined) { // outline the chosen period's card
      var c = document.querySelector('.card[data-pk="' + items[view.chosen] + '"]');
      if (c) c.classList.add("chosen");
    }
  }

  function initPicker() {
    var src = document.getElementById("period-picker");
    var sel = document.getElementById("period-pick");
    if (!src || !sel) return;
    var data = JSON.parse(src.textContent);
    // The rows of each switchable table as rendered, before any sort: a period's row
    // {r: i} reuses row i's unit cell.
    Array.prototype.forEach.call(document.querySelectorAll("table[data-pk]"), function (t) {
      t.xfBase = Array.prototype.map.call(t.tBodies[0].rows, function (r) { return r.cloneNode(true); });
    });
    var root = document.documentElement;
    var all = null, lazy = {}, wanted = null, loading = {};
    function load(url, key) {
      if (loading[key]) return;
      loading[key] = true;
      var s = document.createElement("script");
      s.src = url;
      s.onerror = function () { loading[key] = false; }; // missing file: the page stays as it is
      document.head.appendChild(s);
    }
    // show puts period k in place once its data has arrived: the small views of every
    // period (data/<page>.js), then k's large views (data/<page>-<k>.js) if it has any.
    function show(k) {
      if (k !== wanted) return;
      if (!all) { load(data.all, "*"); return; }
      apply(all.items, all.views[k] || {});
      if (data.lazy && (data.lazyKeys || []).indexOf(k) >= 0) {
        if (!lazy[k]) { load(data.lazy + k + ".js", k); return; }
        apply(lazy[k].items, lazy[k].view);
      }
      root.setAttribute("data-period", k);
    }
    window.xinfangPeriods = function (d) { all = d; if (wanted) show(wanted); };
    window.xinfangPeriod = function (d) { lazy[d.period] = d; if (d.period === wanted) show(wanted); };
    function choose(k) {
      if (data.keys.indexOf(k) < 0) k = data.def;
      wanted = k;
      sel.value = k;
      root.removeAttribute("data-period"); // set again once every part of k is in place
      show(k);
    }
    function fromHash() {
      var m = /(?:^#|&)period=([0-9A-Za-z-]+)/.exec(location.hash);
      return m ? m[1] : null;
    }
    sel.addEventListener("change", function () {
      var k = sel.value;
      choose(k);
      var h = k === data.def ? location.pathname + location.search : "#period=" + k;
      try { history.replaceState(null, "", h); } catch (e) { location.hash = k === data.def ? "" : "period=" + k; }
    });
    window.addEventListener("hashchange", function () {
      var k = fromHash();
      if (k && k !== wanted) choose(k);
    });
    sel.closest(".picker").hidden = false;
    var k = fromHash();
    if (k && k !== data.def) choose(k);
    else { wanted = data.def; root.setAttribute("data-period", data.def); }
  }

  function start() { initTables(); initCharts(); initPicker(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
