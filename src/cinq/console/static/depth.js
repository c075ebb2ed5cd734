// The crib drag: each move of the position (or change of the crib) asks the console
// for the crib's key and every message's reading there (POST /depth/drag) and shows it.
"use strict";
(function () {
  const form = document.getElementById("depth");
  const status = document.getElementById("drag-status");
  const body = document.querySelector("#readings tbody");
  const shown = document.getElementById("position-value");
  if (!form || !status || !body) return;
  let asked = 0;
  function cell(row, text) { const td = document.createElement("td"); td.textContent = text; row.appendChild(td); }
  async function move() {
    shown.textContent = form.elements["position"].value;
    if (!form.elements["crib"].value.trim()) { status.textContent = ""; body.replaceChildren(); return; }
    const data = new URLSearchParams();
    for (const name of ["messages", "crib", "on", "position", "offsets", "board", "lang"]) data.append(name, form.elements[name].value);
    const mine = ++asked;
    const got = await fetch("/depth/drag", { method: "POST", body: data, headers: { "x-csrf-token": form.elements["csrf"].value } });
    const drag = await got.json();
    if (mine !== asked) return; // a later move answered first
    body.replaceChildren();
    if (drag.refusal) { status.textContent = drag.refusal; return; }
    status.textContent = "Crib at digit " + (drag.position + 1) + "; key " + drag.key.map(function (k) { return k === null ? "?" : k; }).join("");
    for (const r of drag.readings) {
      const row = document.createElement("tr");
      const th = document.createElement("th"); th.scope = "row"; th.textContent = "message " + (r.message + 1); row.appendChild(th);
      cell(row, r.text);
      cell(row, r.digits.map(function (d) { return d === null ? "?" : d; }).join(""));
      body.appendChild(row);
    }
  }
  for (const name of ["crib", "on", "position", "offsets", "board", "lang"]) form.elements[name].addEventListener("input", move);
})();
