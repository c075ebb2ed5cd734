// The broadcast's group readings marked as they are spoken: the player's time against
// each reading's start and end (the transmission's timeline, in seconds). And a copy
// being made: its progress asked for until it is finished, then the page shown whole.
"use strict";
(function () {
  const job = document.getElementById("copy-progress");
  if (!job || job.dataset.finished === "yes") return;
  const status = document.getElementById("copy-status");
  const bar = document.getElementById("copy-bar");
  const partial = document.getElementById("partial");
  async function poll() {
    const got = await fetch("/radio/copy/" + job.dataset.job + ".json");
    const state = await got.json();
    if (state.finished || state.refusal || !got.ok) { location.reload(); return; }
    bar.value = state.done;
    status.textContent = "Copying: " + Math.round(100 * state.done) + " % of the recording read.";
    if (state.copy) partial.textContent = state.copy.groups.join(" ");
    setTimeout(poll, 400);
  }
  setTimeout(poll, 400);
})();
(function () {
  const player = document.getElementById("player");
  const items = Array.from(document.querySelectorAll("#readings li"));
  const now = document.getElementById("now-reading");
  if (!player || !items.length) return;
  let current = null;
  player.addEventListener("timeupdate", function () {
    const t = player.currentTime;
    const hit = items.find(function (li) { return t >= +li.dataset.start && t < +li.dataset.end; }) || null;
    if (hit === current) return;
    if (current) current.removeAttribute("aria-current");
    current = hit;
    if (hit) {
      hit.setAttribute("aria-current", "true");
      now.textContent = "Reading " + hit.textContent;
    }
  });
})();
