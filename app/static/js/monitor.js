// The host's monitor: its queue and tables are read again every few seconds without reloading
// the page, so nothing being typed is wiped. A participant's row whose field has the focus or
// holds a value not yet saved (an extension being set) is left as it is until it is saved.
import { showLocalTimes } from "./rounds.js";

const root = document.getElementById("monitor");

function editing(row) {
  return [...row.querySelectorAll("input:not([type=hidden]), select, textarea")].some(
    (field) => field === document.activeElement || field.value !== field.defaultValue,
  );
}

/** Put the fresh rows in place of the shown ones, one row at a time, keeping the ones being edited. */
function mergeRows(body, fresh) {
  const shown = new Map([...body.rows].map((row) => [row.dataset.participant, row]));
  let previous = null;
  for (const row of [...fresh.rows]) {
    const old = shown.get(row.dataset.participant);
    shown.delete(row.dataset.participant);
    let current = row;
    if (old && editing(old)) current = old;
    else if (old) old.replaceWith(row);
    else if (previous) previous.after(row);
    else body.prepend(row);
    if (current === row) showLocalTimes(row);
    previous = current;
  }
  for (const row of shown.values()) if (!editing(row)) row.remove();
}

async function refresh() {
  const response = await fetch(location.href, { credentials: "same-origin", cache: "no-store" });
  if (!response.ok) throw new Error(`monitor: ${response.status}`);
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  for (const part of document.querySelectorAll("[data-refresh]")) {
    const next = fresh.querySelector(`[data-refresh="${part.dataset.refresh}"]`);
    if (!next) continue;
    if (part.dataset.refresh === "participants") {
      mergeRows(part, next);
    } else {
      part.replaceWith(next);
      showLocalTimes(next);
    }
  }
  root.dataset.refreshed = String(Number(root.dataset.refreshed || 0) + 1);
}

if (root) {
  const seconds = Number(root.dataset.refreshSeconds || 20);
  setInterval(() => refresh().catch(() => {}), seconds * 1000);
}
