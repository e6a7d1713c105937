// mmproto report: table sorting and the charts (uPlot, inlined above). Reads only this page.
(function () {
  'use strict';

  function numeric(text) {
    var m = text.trim().match(/^[-+]?\d+(\.\d+)?/);
    return m ? parseFloat(m[0]) : null;
  }

  document.querySelectorAll('table.sortable').forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.title = 'sort';
      th.addEventListener('click', function () {
        var dir = th.dataset.sort === 'asc' ? 'desc' : 'asc';
        Array.prototype.forEach.call(heads, function (h) { delete h.dataset.sort; });
        th.dataset.sort = dir;
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].textContent, y = b.cells[col].textContent;
          var nx = numeric(x), ny = numeric(y);
          var c = nx !== null && ny !== null ? nx - ny : x.localeCompare(y);
          return dir === 'asc' ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });

  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
    '#bcbd22', '#17becf'];
  var data = JSON.parse(document.getElementById('mmproto-charts').textContent);
  var drawn = 0;

  document.querySelectorAll('figure.chart').forEach(function (fig) {
    var chart = data[+fig.dataset.scenario][+fig.dataset.chart];
    var bar = chart.kind === 'bar';
    var xs = chart.x.map(function (_, i) { return i; });
    var n = chart.series.length;
    var series = [{ label: bar ? 'site' : 'after', value: function (u, v) { return v == null ? '' : chart.x[v]; } }];
    chart.series.forEach(function (s, k) {
      var color = palette[k % palette.length];
      var o = { label: s.label, stroke: color, width: bar ? 1 : 1.5 };
      if (bar) {
        o.fill = color + 'cc';
        o.points = { show: false };
        o.paths = uPlot.paths.bars({
          align: 1,
          disp: {
            x0: { unit: 1, values: function (u) { return u.data[0].map(function (x) { return x - 0.4 + k * 0.8 / n; }); } },
            size: { unit: 1, values: function () { return [0.8 / n]; } }
          }
        });
      }
      series.push(o);
    });
    var label = function (u, splits) {
      return splits.map(function (v) { return Number.isInteger(v) && chart.x[v] !== undefined ? chart.x[v] : ''; });
    };
    var opts = {
      width: 600,
      height: bar ? 300 : 240,
      series: series,
      scales: { x: bar ? { time: false, range: [-0.5, xs.length - 0.5] } : { time: false } },
      axes: [
        bar ? { values: label, splits: function () { return xs; }, rotate: -30, size: 70, gap: 4 } : { values: label },
        { label: chart.y_label, size: 70 }
      ]
    };
    new uPlot(opts, [xs].concat(chart.series.map(function (s) { return s.values; })), fig);
    drawn++;
  });
  document.body.dataset.chartsRendered = String(drawn);
})();
