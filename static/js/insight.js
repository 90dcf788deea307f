// Strategic Insight report and review pack: the Print button (no inline handlers: the CSP forbids them), and charts
// redrawn to the paper's width, since Chart.js sizes a canvas for the screen it was first drawn on.
(function () {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });
  function resizeCharts() {
    document.querySelectorAll("canvas[data-chart]").forEach((canvas) => { if (canvas._chart) canvas._chart.resize(); });
  }
  window.addEventListener("beforeprint", resizeCharts);
  window.addEventListener("afterprint", resizeCharts);
})();
