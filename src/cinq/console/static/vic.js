// The VIC notebook written out line by line, as the hand worker writes it: Next line
// and Previous line (or the arrow keys on the buttons), and the rest of a step at once.
// Without script every line stays shown.
"use strict";
(function () {
  const lines = Array.from(document.querySelectorAll("#notebook .line"));
  const steps = Array.from(document.querySelectorAll("#notebook .step"));
  const bar = document.querySelector("#notebook .stepper");
  const status = document.getElementById("step-status");
  if (!lines.length || !bar || !status) return;
  let shown = 1;
  function stepOf(line) { return steps.findIndex(function (s) { return s.contains(line); }); }
  function show(n) {
    shown = Math.max(1, Math.min(lines.length, n));
    lines.forEach(function (l, i) { l.hidden = i >= shown; });
    steps.forEach(function (s) { s.hidden = !s.querySelector(".line:not([hidden])"); });
    const step = stepOf(lines[shown - 1]);
    status.textContent = "Line " + shown + " of " + lines.length + ", in step " + (step + 1) + " of " + steps.length;
    document.getElementById("prev").disabled = shown === 1;
    document.getElementById("next").disabled = shown === lines.length;
  }
  function restOfStep() {
    const step = steps[stepOf(lines[shown - 1])];
    const last = lines.lastIndexOf(Array.from(step.querySelectorAll(".line")).pop());
    show(last + 1 === shown ? shown + 1 : last + 1);
  }
  bar.hidden = false;
  document.getElementById("prev").addEventListener("click", function () { show(shown - 1); });
  document.getElementById("next").addEventListener("click", function () { show(shown + 1); });
  document.getElementById("next-step").addEventListener("click", restOfStep);
  bar.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight") show(shown + 1);
    if (e.key === "ArrowLeft") show(shown - 1);
  });
  show(1);
})();
