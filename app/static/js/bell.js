// The header's bell: the unread count live over /ws/me (reconnecting with backoff), and a
// dropdown of the latest notifications; choosing one marks it read, then opens its page.
// Text goes in with textContent only: never parsed as HTML.
const bell = document.getElementById("bell");
const counter = document.getElementById("bell-count");
const menu = document.getElementById("bell-menu");

function setCount(unread) {
  if (!counter) return;
  const n = Number(unread) || 0;
  counter.textContent = String(n);
  counter.dataset.unread = String(n);
  counter.hidden = n === 0;
  bell.setAttribute("aria-label", `Notifications (${n} unread)`);
}

async function postJson(url) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRFToken": bell.dataset.csrf },
  });
  return response.ok ? response.json() : null;
}

async function refresh() {
  try {
    const response = await fetch("/notifications/latest.json", {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return null;
    const data = await response.json();
    setCount(data.unread);
    return data;
  } catch {
    return null;
  }
}

function item(entry) {
  const li = document.createElement("li");
  li.className = entry.unread ? "unread" : "";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link bell-item";
  button.textContent = entry.title;
  button.addEventListener("click", async () => {
    const answer = await postJson(`/notifications/${entry.id}/read`);
    if (answer) setCount(answer.unread);
    if (entry.link) location.href = entry.link;
    else li.className = "";
  });
  li.append(button);
  return li;
}

async function openMenu() {
  const data = await refresh();
  menu.replaceChildren();
  const list = document.createElement("ul");
  for (const entry of data ? data.items : []) list.append(item(entry));
  if (!list.children.length) {
    const empty = document.createElement("li");
    empty.textContent = "Nothing yet.";
    list.append(empty);
  }
  const all = document.createElement("a");
  all.href = "/notifications";
  all.textContent = "All notifications";
  const readAll = document.createElement("button");
  readAll.type = "button";
  readAll.className = "link";
  readAll.textContent = "Mark all read";
  readAll.addEventListener("click", async () => {
    if (await postJson("/notifications/read-all")) openMenu();
  });
  menu.append(list, all, readAll);
  menu.hidden = false;
  bell.setAttribute("aria-expanded", "true");
}

function closeMenu() {
  menu.hidden = true;
  bell.setAttribute("aria-expanded", "false");
}

function listen(failures = 0) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  let socket;
  try {
    socket = new WebSocket(`${scheme}://${location.host}/ws/me`);
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
    if (frame.type === "ready") {
      failures = 0;
      refresh(); // whatever came while the socket was away
    } else if (frame.type === "notification") {
      setCount(frame.unread);
    }
  });
  socket.addEventListener("close", () => {
    const delay = Math.min(30000, 1000 * 2 ** failures) * (0.75 + Math.random() / 2);
    setTimeout(() => listen(failures + 1), delay);
  });
}

if (bell && counter && menu) {
  bell.addEventListener("click", (event) => {
    event.preventDefault();
    if (menu.hidden) openMenu();
    else closeMenu();
  });
  document.addEventListener("click", (event) => {
    if (!menu.hidden && !bell.parentElement.contains(event.target)) closeMenu();
  });
  listen();
}
