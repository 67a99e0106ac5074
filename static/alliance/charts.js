// Charts of the figure pages (the alliance health page, the alumni dashboard): each figure's numbers come
// in a JSON data block (json_script) beside the accessible table that shows the same figures; Chart.js (vendored) draws them.
(function () {
  "use strict";
  if (!window.Chart) return;
  var palette = ["#3b5bdb", "#2f9e44", "#e8590c", "#ae3ec9", "#1098ad", "#f08c00", "#c92a2a"];
  document.querySelectorAll("[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var rate = false;
    var datasets = spec.datasets.map(function (set, index) {
      var color = palette[index % palette.length];
      if (set.yAxisID === "rate") rate = true;
      return Object.assign({}, set, {
        backgroundColor: spec.type === "doughnut" ? palette.slice(0, set.data.length) : color,
        borderColor: color
      });
    });
    var scales = spec.type === "doughnut" ? {} : {y: {beginAtZero: true, ticks: {precision: 0}}};
    if (rate) scales.rate = {position: "right", beginAtZero: true, grid: {drawOnChartArea: false},
                             ticks: {callback: function (value) { return value + " %"; }}};
    new window.Chart(canvas, {
      type: spec.type,
      data: {labels: spec.labels, datasets: datasets},
      options: {responsive: true, maintainAspectRatio: false, animation: false, scales: scales,
                plugins: {legend: {position: "bottom"}}}
    });
  });
})();
