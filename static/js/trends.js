// Trend report tiles: one small chart per theme (weekly items and its dashed baseline mean), no legend to save room.
(function () {
  function drawTiles(root) {
    (root || document).querySelectorAll("canvas[data-trend-tile]").forEach((canvas) => {
      if (!document.getElementById(canvas.dataset.source)) return;
      window.productopsCharts.line(canvas.id, canvas.dataset.source, {
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          interaction: { mode: "index", intersect: false },
          plugins: { legend: { display: false } },
          scales: { x: { ticks: { maxTicksLimit: 6 } }, y: { beginAtZero: true, ticks: { precision: 0, maxTicksLimit: 4 } } },
        },
      });
    });
  }
  document.addEventListener("DOMContentLoaded", () => drawTiles(document));
  document.addEventListener("htmx:afterSettle", (event) => drawTiles(event.detail.elt));
})();
