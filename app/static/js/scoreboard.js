// The scoreboard page and the projector: a live board, a countdown, the freeze banner, an
// announcement ticker and (on the projector) paging through boards longer than the screen.
// The round's start, freeze and end come with no event (only a thaw and a finalize do): the
// page reads its board again once each has passed, by the server's clock.
import { applyUpdate, followBoard, renderBoard } from "./board.js";
import { formatLeft, serverOffset } from "./rounds.js";

const root = document.getElementById("scoreboard");
const table = root.querySelector("table.board");
const status = document.getElementById("connection");
const banner = document.getElementById("freeze-banner");
const ticker = document.getElementById("ticker");
const clock = document.getElementById("board-clock");
const projector = root.classList.contains("projector");
// A board of one language or one section is ranked among its own rows: the socket's updates
// carry the whole board's rows and ranks, so such a page reads its board again instead.
const filtered = "filtered" in root.dataset;
const STATE_MARGIN_MS = 1000; // the board's times are whole seconds; the server's are not
const STATE_RETRY_MS = 2000; // a read that came too early (skew) is tried again, not in a loop
let board = null;
let offset = 0;
let nextChange = null;
let lastStateRead = 0;

function showState(fresh) {
  const round = fresh.round;
  root.dataset.state = round.state;
  if (banner) banner.hidden = !round.frozen;
  if (clock) clock.dataset.target = round.state === "scheduled" ? round.starts_at : round.ends_at;
  nextChange = Date.parse(stateChangeAt(round) || "");
  if (Number.isNaN(nextChange)) nextChange = null;
  if (fresh.virtual) {
    // A virtual run counts down its own window; the board is the originals' at its minute.
    if (clock) clock.dataset.target = fresh.virtual.ends_at;
    const minute = document.getElementById("virtual-minute");
    if (minute) minute.textContent = String(fresh.virtual.minute);
  }
}

/** When the state the server gave next changes by the clock alone (null: only by the host). */
function stateChangeAt(round) {
  if (round.state === "scheduled") return round.starts_at;
  if (round.state === "started") return round.freeze_at || round.ends_at;
  if (round.state === "frozen") return round.ends_at;
  return null;
}

// One read of the board at a time; asks made meanwhile become one more read after it.
let reading = null;
let readAgain = false;
function reread() {
  if (reading) {
    readAgain = true;
    return;
  }
  reading = live
    .reload()
    .catch(() => {})
    .finally(() => {
      reading = null;
      if (readAgain) {
        readAgain = false;
        reread();
      }
    });
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
    if (event.type === "scoreboard.update") {
      if (filtered) reread();
      else applyUpdate(table, board, event);
    } else if (event.type === "contest.state") reread();
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

// Started, frozen, ended: read the board again once the moment has passed on the server.
setInterval(() => {
  if (nextChange === null || Date.now() + offset < nextChange + STATE_MARGIN_MS) return;
  if (Date.now() - lastStateRead < STATE_RETRY_MS) return;
  lastStateRead = Date.now();
  reread();
}, 250);

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
