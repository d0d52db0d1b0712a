// The resolver, as at the ICPC finals: from the frozen board, reveal pending cells from the
// bottom up, one at a time; a row that gets an accept slides up to its new place; then the
// award screens. The server computed every step; this animates them.
import { applyUpdate, renderBoard } from "./board.js";

const root = document.getElementById("resolver");
const table = root.querySelector("table.board");
const progress = document.getElementById("resolver-progress");
const speed = document.getElementById("resolver-speed");
const auto = document.getElementById("resolver-auto");
const awardsBox = document.getElementById("awards");
let data = null;
let board = null;
let next = 0;
let timer = null;
let busy = false;

function focusRow(participantId) {
  for (const tr of table.tBodies[0].rows) tr.classList.toggle("focus", tr.dataset.participant === String(participantId));
  const row = table.tBodies[0].querySelector(`tr[data-participant="${participantId}"]`);
  if (row) row.scrollIntoView({ block: "center", behavior: "smooth" });
}

function showAward(index) {
  const award = data.awards[index];
  awardsBox.hidden = false;
  awardsBox.replaceChildren();
  const title = document.createElement("h2");
  title.textContent = award.citation;
  const names = document.createElement("p");
  names.className = "award-names";
  names.textContent = award.names.join(", ") || "—";
  awardsBox.append(title, names);
  awardsBox.dataset.award = award.id;
}

async function step() {
  if (!data || busy) return;
  busy = true;
  try {
    if (next < data.steps.length) {
      const current = data.steps[next];
      focusRow(current.participant_id);
      await new Promise((resolve) => setTimeout(resolve, Number(speed?.value || 800) / 2));
      applyUpdate(table, board, { rows: [current.row], order: current.order });
      focusRow(current.participant_id);
      next += 1;
    } else if (next < data.steps.length + data.awards.length) {
      showAward(next - data.steps.length);
      next += 1;
    } else {
      awardsBox.hidden = true;
      root.dataset.done = "true";
      stopAuto();
    }
    progress.textContent = `${Math.min(next, data.steps.length)} of ${data.steps.length} revealed`;
    root.dataset.step = String(next);
  } finally {
    busy = false;
  }
}

function stopAuto() {
  clearInterval(timer);
  timer = null;
  if (auto) auto.textContent = "Play";
}

if (auto) {
  auto.addEventListener("click", () => {
    if (timer) return stopAuto();
    auto.textContent = "Pause";
    timer = setInterval(step, Number(speed?.value || 800) + 200);
  });
}
document.getElementById("resolver-next")?.addEventListener("click", step);
document.addEventListener("keydown", (event) => {
  if (event.key === " " || event.key === "ArrowRight" || event.key === "Enter") {
    event.preventDefault();
    step();
  }
});

fetch(root.dataset.url, { credentials: "same-origin", cache: "no-store" })
  .then((response) => response.json())
  .then((body) => {
    data = body;
    board = body.board;
    renderBoard(table, board);
    progress.textContent = `0 of ${data.steps.length} revealed`;
    root.dataset.loaded = "true";
  });
