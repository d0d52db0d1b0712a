// The scoreboard page and the projector: a live board, a countdown, the freeze banner, an
// announcement ticker and (on the projector) paging through boards longer than the screen.
import { applyUpdate, followBoard, renderBoard } from "./board.js";
import { formatLeft, serverOffset } from "./rounds.js";

const root = document.getElementById("scoreboard");
const table = root.querySelector("table.board");
const status = document.getElementById("connection");
const banner = document.getElementById("freeze-banner");
const ticker = document.getElementById("ticker");
const clock = document.getElementById("board-clock");
const projector = root.classList.contains("projector");
let board = null;
let offset = 0;

function showState(fresh) {
  const round = fresh.round;
  root.dataset.state = round.state;
  if (banner) banner.hidden = !round.frozen;
  if (clock) clock.dataset.target = round.state === "scheduled" ? round.starts_at : round.ends_at;
  if (fresh.virtual) {
    // A virtual run counts down its own window; the board is the originals' at its minute.
    if (clock) clock.dataset.target = fresh.virtual.ends_at;
    const minute = document.getElementById("virtual-minute");
    if (minute) minute.textContent = String(fresh.virtual.minute);
  }
}

function announce(text) {
  if (!ticker) return;
  const item = document.createElement("span");
  item.className = "ticker-item";
  item.textContent = text;
  ticker.prepend(item);
  while (ticker.children.length > 5) ticker.lastChild.remove();
  ticker.hidden = false;
}

const live = followBoard({
  boardUrl: root.dataset.boardUrl,
  socketPath: root.dataset.socket,
  pollSeconds: Number(root.dataset.pollSeconds || 0),
  onBoard(fresh) {
    board = fresh;
    renderBoard(table, board);
    showState(board);
    if (ticker && fresh.announcements) {
      ticker.replaceChildren();
      for (const text of [...fresh.announcements].reverse()) announce(text);
      ticker.hidden = !fresh.announcements.length;
    }
    root.dataset.loaded = "true";
    page(0);
  },
  onEvent(event) {
    if (!board) return;
    if (event.type === "scoreboard.update") applyUpdate(table, board, event);
    else if (event.type === "contest.state") live.reload();
    else if (event.type === "announcement") announce(event.text);
  },
  onMode(mode) {
    if (status) status.textContent = mode === "live" ? "" : "Reconnecting…";
    root.dataset.mode = mode;
  },
});

serverOffset(root.dataset.clock, root.dataset.serverNow).then((value) => (offset = value));
if (clock) {
  setInterval(() => {
    const target = Date.parse(clock.dataset.target || "");
    if (Number.isNaN(target)) return;
    const left = target - (Date.now() + offset);
    clock.textContent = left > 0 ? formatLeft(left) : "00:00:00";
  }, 250);
}

// The projector pages through a board longer than the screen, one screenful at a time.
let pageIndex = 0;
function page(next) {
  if (!projector || !table.tBodies[0]) return;
  const rows = [...table.tBodies[0].rows];
  rows.forEach((row) => (row.hidden = false));
  const top = table.tBodies[0].getBoundingClientRect().top;
  const height = rows.length ? rows[0].getBoundingClientRect().height : 1;
  const perPage = Math.max(1, Math.floor((window.innerHeight - top - 80) / height));
  const pages = Math.max(1, Math.ceil(rows.length / perPage));
  pageIndex = next % pages;
  rows.forEach((row, index) => (row.hidden = Math.floor(index / perPage) !== pageIndex));
  root.dataset.page = `${pageIndex + 1}/${pages}`;
  const label = document.getElementById("board-page");
  if (label) label.textContent = pages > 1 ? `Page ${pageIndex + 1} of ${pages}` : "";
}
if (projector) setInterval(() => page(pageIndex + 1), Number(root.dataset.pageSeconds || 12) * 1000);
