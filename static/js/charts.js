// Small wrappers around Chart.js so every page draws charts the same way. Data comes from json_script blocks.
(function () {
  const palette = ["#3b5bdb", "#e8590c", "#2f9e44", "#ae3ec9", "#1098ad", "#f59f00", "#c92a2a", "#5c7cfa"];
  function readJSON(id) { return JSON.parse(document.getElementById(id).textContent); }
  function colour(i) { return palette[i % palette.length]; }
  function draw(kind, canvasId, dataId, extra) {
    const data = readJSON(dataId);
    data.datasets.forEach((ds, i) => {
      ds.borderColor = ds.borderColor || colour(i);
      ds.backgroundColor = ds.backgroundColor || (kind === "line" ? colour(i) + "22" : colour(i));
      if (kind === "line") { ds.tension = 0.25; ds.fill = false; ds.pointRadius = 2; }
    });
    const canvas = document.getElementById(canvasId);
    if (canvas._chart) canvas._chart.destroy();
    canvas._chart = new Chart(canvas, Object.assign({
      type: kind, data: data,
      options: { responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom" } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    }, extra || {}));
    canvas.dataset.drawn = "1";  // lets browser tests wait for the chart without evaluating script strings
    return canvas._chart;
  }
  // Declarative charts: <canvas data-chart="line|bar|stackedBar" data-source="json-script-id">. Drawn on load and
  // again whenever htmx swaps new content in, so partial updates need no inline script.
  function autoDraw(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach((canvas) => {
      const kind = canvas.dataset.chart;
      if (!document.getElementById(canvas.dataset.source)) return;
      window.productopsCharts[kind](canvas.id, canvas.dataset.source);
    });
  }
  document.addEventListener("DOMContentLoaded", () => autoDraw(document));
  document.addEventListener("htmx:afterSettle", (event) => autoDraw(event.detail.elt));
  window.productopsCharts = {
    line: (c, d, o) => draw("line", c, d, o),
    bar: (c, d, o) => draw("bar", c, d, o),
    stackedBar: (c, d) => draw("bar", c, d, { options: { responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { position: "bottom" } },
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } } }),
    autoDraw: autoDraw,
  };
})();
