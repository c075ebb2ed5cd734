// The broadcast's group readings marked as they are spoken: the player's time against
// each reading's start and end (the transmission's timeline, in seconds).
"use strict";
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
