// Strategic Insight report: the Print button (no inline handlers: the CSP forbids them).
(function () {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });
})();
