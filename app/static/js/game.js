// The header's XP, level and streak, and toasts: live from /ws/me (xp.awarded, level.up,
// badge.earned, streak.updated), on every page of the signed-in user. Reconnects with backoff.
import { onMe } from "./me.js";

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

function connect() {
  onMe((event) => {
    const header = document.getElementById("game-header");
    if (event.type === "ready") header?.setAttribute("data-live", "1");
    else if (event.type === "closed") header?.removeAttribute("data-live");
    else handlers[event.type]?.(event);
  });
}

if (document.getElementById("game-header")) connect();
