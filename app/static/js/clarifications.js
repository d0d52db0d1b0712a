// Tells the reader of a clarifications page when the jury (or, for the jury, a team) wrote:
// listens on /ws/me (private answers) and on /ws/contests/<id> where that socket exists, and
// shows a notice with a reload link. Text goes in with textContent only: never parsed as HTML.
import { onMe } from "./me.js";

const root = document.getElementById("clarifications");
const notice = document.getElementById("clar-live");
const KINDS = new Set(["announcement", "clarification"]);

function socketUrl(path) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}${path}`;
}

function describe(frame) {
  if (frame.type === "announcement") return `Announcement: ${frame.text}`;
  if (frame.answer) return `The jury answered: ${frame.answer}`;
  return `New question${frame.problem_label ? ` about ${frame.problem_label}` : ""}.`;
}

function show(frame) {
  if (!notice) return;
  notice.replaceChildren();
  notice.append(document.createTextNode(`${describe(frame)} `));
  const reload = document.createElement("a");
  reload.href = location.pathname + location.search;
  reload.textContent = "Reload to see it";
  notice.append(reload);
  notice.hidden = false;
}

function listen(path, roundId, retries = 3) {
  let socket;
  try {
    socket = new WebSocket(socketUrl(path));
  } catch {
    return;
  }
  socket.addEventListener("message", (message) => {
    let frame;
    try {
      frame = JSON.parse(message.data);
    } catch {
      return;
    }
    if (KINDS.has(frame.type) && String(frame.round_id) === roundId) show(frame);
  });
  // A socket that does not exist (yet) fails at once: give up after a few tries.
  socket.addEventListener("close", () => {
    if (retries > 0) setTimeout(() => listen(path, roundId, retries - 1), 2000);
  });
}

if (root && root.dataset.roundId) {
  const roundId = root.dataset.roundId;
  onMe((frame) => {
    if (KINDS.has(frame.type) && String(frame.round_id) === roundId) show(frame);
  });
  listen(`/ws/contests/${roundId}`, roundId);
}
