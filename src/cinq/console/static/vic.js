// The VIC notebook one step at a time: Previous / Next (or the arrow keys on them);
// without script every step stays shown.
"use strict";
(function () {
  const steps = Array.from(document.querySelectorAll("#notebook .step"));
  const bar = document.querySelector("#notebook .stepper");
  const status = document.getElementById("step-status");
  if (!steps.length || !bar || !status) return;
  let at = 0;
  function show(i) {
    at = Math.max(0, Math.min(steps.length - 1, i));
    steps.forEach(function (s, k) { s.hidden = k !== at; });
    status.textContent = "Step " + (at + 1) + " of " + steps.length;
    document.getElementById("prev").disabled = at === 0;
    document.getElementById("next").disabled = at === steps.length - 1;
  }
  bar.hidden = false;
  document.getElementById("prev").addEventListener("click", function () { show(at - 1); });
  document.getElementById("next").addEventListener("click", function () { show(at + 1); });
  bar.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight") show(at + 1);
    if (e.key === "ArrowLeft") show(at - 1);
  });
  show(0);
})();
