// The survey page: show the running total of a percent split as people type (the server checks it again).
(function () {
  function update(split) {
    let total = 0; let any = false;
    split.querySelectorAll("input[type=number]").forEach((input) => {
      if (input.value.trim() !== "") { any = true; total += Number(input.value) || 0; }
    });
    const out = split.querySelector("[data-split-total]");
    out.textContent = any ? String(total) : "—";
    split.querySelector(".split-total").classList.toggle("off", any && total !== 100);
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-split]").forEach((split) => {
      split.addEventListener("input", () => update(split));
      update(split);
    });
  });
})();
