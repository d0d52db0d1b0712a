// The header's XP, level and streak, and toasts: live from /ws/me (xp.awarded, level.up,
// badge.earned, streak.updated), on every page of the signed-in user. Reconnects with backoff.
const TOAST_MS = 5000;

function text(id, value) {
  const element = document.getElementById(id);
  if (element) element.textContent = String(value);
}

function toast(kind, message) {
  const box = document.getElementById("toasts");
  if (!box) return;
  const item = document.createElement("div");
  item.className = `toast toast-${kind}`;
  item.setAttribute("role", "status");
  item.dataset.kind = kind;
  item.textContent = message;
  box.append(item);
  setTimeout(() => item.remove(), TOAST_MS);
}

const handlers = {
  "xp.awarded"(event) {
    text("game-xp", event.total);
    text("game-level", event.level);
    const bar = document.getElementById("game-bar");
    if (bar) {
      bar.max = event.level_span;
      bar.value = event.into_level;
    }
    const sign = event.amount > 0 ? "+" : "";
    toast("xp", `${sign}${event.amount} XP · ${event.reason}`);
  },
  "level.up"(event) {
    text("game-level", event.level);
    toast("level", `Level ${event.level}!`);
  },
  "badge.earned"(event) {
    toast(`badge badge-${event.badge.tier}`, `Badge: ${event.badge.name}`);
  },
  "streak.updated"(event) {
    text("game-streak", event.current);
    toast("streak", `Streak: ${event.current} ${event.unit}${event.current === 1 ? "" : "s"}`);
  },
};

function connect(failures = 0) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/me`);
  socket.addEventListener("open", () => {
    failures = 0;
    document.getElementById("game-header")?.setAttribute("data-live", "1");
  });
  socket.addEventListener("message", (message) => {
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    handlers[event.type]?.(event);
  });
  socket.addEventListener("close", () => {
    document.getElementById("game-header")?.removeAttribute("data-live");
    const delay = Math.min(15000, 500 * 2 ** failures) * (0.75 + Math.random() / 2);
    setTimeout(() => connect(failures + 1), delay);
  });
}

if (document.getElementById("game-header")) connect();
