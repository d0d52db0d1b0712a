// A round's scoreboard in the page: rendered from the server's board JSON, kept live over
// /ws/contests/<id> (rows that changed), and re-read whole after every reconnect. The server
// has already decided what this viewer may see (the freeze); this only draws it.
const RECONNECT_MAX_MS = 8000;

export function cellText(cell, scoring) {
  if (!cell || (!cell.judged && !cell.pending)) return "";
  if (scoring !== "icpc") {
    const score = cell.judged ? formatScore(cell.score) : "";
    return cell.pending ? `${score}${score ? " " : ""}+${cell.pending}?` : score;
  }
  const tries = cell.judged + cell.pending;
  if (cell.solved) return `${cell.time}\n${tries} ${tries === 1 ? "try" : "tries"}`;
  if (cell.pending) return `?\n${tries} ${tries === 1 ? "try" : "tries"}`;
  return `−\n${tries} ${tries === 1 ? "try" : "tries"}`;
}

export function cellClass(cell, scoring) {
  if (!cell || (!cell.judged && !cell.pending)) return "cell empty";
  if (cell.first) return "cell first";
  if (cell.solved || (scoring !== "icpc" && cell.score >= 100)) return "cell solved";
  if (cell.pending) return "cell pending";
  if (scoring !== "icpc" && cell.score > 0) return "cell partial";
  return "cell failed";
}

function formatScore(value) {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function renderRow(row, board) {
  const tr = element("tr", "board-row");
  tr.dataset.participant = String(row.participant_id);
  tr.append(element("td", "rank", String(row.rank)));
  const name = element("td", "name", row.name);
  if (row.virtual) {
    tr.classList.add("virtual-row");
    name.append(element("span", "badge", "virtual"));
  }
  tr.append(name);
  const scoring = board.round.scoring;
  tr.append(element("td", "solved", scoring === "icpc" ? String(row.solved) : formatScore(row.score)));
  tr.append(element("td", "time", scoring === "icpc" ? String(row.time) : ""));
  for (const problem of board.problems) {
    const cell = row.cells[problem.label];
    const td = element("td", cellClass(cell, scoring), cellText(cell, scoring));
    td.dataset.label = problem.label;
    tr.append(td);
  }
  return tr;
}

export function renderBoard(table, board) {
  const head = table.tHead || table.createTHead();
  head.replaceChildren();
  const header = element("tr");
  header.append(element("th", "rank", "#"), element("th", "name", "Participant"));
  header.append(element("th", "solved", board.round.scoring === "icpc" ? "Solved" : "Score"));
  header.append(element("th", "time", board.round.scoring === "icpc" ? "Time" : ""));
  for (const problem of board.problems) {
    const th = element("th", "problem");
    const balloon = element("span", "problem-label", problem.label);
    balloon.style.setProperty("--balloon", problem.color);
    balloon.title = problem.name;
    th.append(balloon);
    header.append(th);
  }
  head.append(header);
  const body = table.tBodies[0] || table.createTBody();
  body.replaceChildren(...board.rows.map((row) => renderRow(row, board)));
  const foot = table.tFoot || table.createTFoot();
  foot.replaceChildren();
  const counts = element("tr", "counts");
  counts.append(element("td"), element("td", "name", "Solved / tried"), element("td"), element("td"));
  for (const problem of board.problems) {
    counts.append(element("td", "count", `${problem.solved} / ${problem.tried}`));
  }
  foot.append(counts);
}

/** Replace the changed rows and put every row at its new place, animating the moves (FLIP). */
export function applyUpdate(table, board, update) {
  const body = table.tBodies[0];
  const before = new Map();
  for (const tr of body.rows) before.set(tr.dataset.participant, tr.getBoundingClientRect().top);
  const rows = new Map(board.rows.map((row) => [String(row.participant_id), row]));
  for (const row of update.rows) rows.set(String(row.participant_id), row);
  const order = update.order || board.rows.map((row) => [row.participant_id, row.rank]);
  board.rows = order.map(([id, rank]) => ({ ...rows.get(String(id)), rank })).filter((row) => row.name);
  if (update.problems) board.problems = update.problems;
  renderBoard(table, board);
  for (const tr of body.rows) {
    const was = before.get(tr.dataset.participant);
    if (was === undefined) continue;
    const delta = was - tr.getBoundingClientRect().top;
    if (!delta) continue;
    tr.style.transform = `translateY(${delta}px)`;
    tr.classList.add("moving");
    requestAnimationFrame(() => {
      tr.style.transition = "transform 900ms ease";
      tr.style.transform = "";
      setTimeout(() => {
        tr.style.transition = "";
        tr.classList.remove("moving");
      }, 950);
    });
  }
  for (const row of update.rows) {
    const tr = body.querySelector(`tr[data-participant="${row.participant_id}"]`);
    if (tr) tr.classList.add("changed");
  }
}

/** Keep a board live: read it, follow the socket, read it again after each reconnect. With
 * pollSeconds (a virtual run's board, which moves with the run's own clock, not with events)
 * it is read again on a timer instead. */
export function followBoard({ boardUrl, socketPath, pollSeconds = 0, onBoard, onEvent, onMode = () => {} }) {
  let failures = 0;
  let socket = null;

  async function load() {
    const response = await fetch(boardUrl, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(`board: ${response.status}`);
    onBoard(await response.json());
  }

  if (pollSeconds > 0) {
    const poll = () => load().then(() => onMode("live"), () => onMode("reconnecting"));
    poll();
    setInterval(poll, pollSeconds * 1000);
    return { reload: load };
  }

  function open() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}${socketPath}`);
    socket.addEventListener("open", () => {
      // Resync from the stored state: whatever happened while we were away is in it.
      load().catch(() => {});
      failures = 0;
      onMode("live");
    });
    socket.addEventListener("message", (message) => {
      try {
        onEvent(JSON.parse(message.data));
      } catch {
        // A frame we can't read is skipped; the next resync covers it.
      }
    });
    socket.addEventListener("close", () => {
      failures += 1;
      onMode("reconnecting");
      const delay = Math.min(RECONNECT_MAX_MS, 500 * 2 ** failures) * (0.75 + Math.random() / 2);
      setTimeout(open, delay);
    });
  }

  load().catch(() => onMode("reconnecting"));
  open();
  return { reload: load };
}
