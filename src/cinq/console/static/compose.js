// The live count of the compose page: what the text would take, asked of the console
// (POST /compose/plan, the page's CSRF token in a header) a moment after each change.
"use strict";
(function () {
  const form = document.getElementById("compose");
  const out = document.getElementById("count");
  if (!form || !out) return;
  let timer = null;
  async function count() {
    const body = new URLSearchParams();
    for (const name of ["text", "book", "lang", "board", "codebook"]) body.append(name, form.elements[name].value);
    const token = form.elements["csrf"].value;
    try {
      const got = await fetch("/compose/plan", {
        method: "POST", body, headers: { "x-csrf-token": token }, credentials: "same-origin",
      });
      const plan = await got.json();
      out.textContent = plan.refusal
        ? "Refused (exit " + plan.exit + "): " + plan.refusal
        : plan.digits + " digits, " + plan.groups + " groups, " + plan.pages +
          " pad page(s) of " + plan.unused + " left" + (plan.fits ? "" : ": not enough pages");
    } catch (e) {
      out.textContent = "";
    }
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(count, 250);
  });
})();
