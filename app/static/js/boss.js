// The Boss Fight arena: the HP bar, the damage feed, hints, the clock and the end, live from
// /ws/boss/<id> (boss.state first, then boss.hit / boss.state). Polls state.json when the
// socket keeps failing.
const arena = document.getElementById("boss-arena");
const FEED_KEEP = 8;
let offsetMs = 0;
let endsAt = null;

function setState(frame) {
  const bar = document.getElementById("boss-hp-bar");
  bar.max = frame.hp_max;
  bar.value = frame.hp_left;
  document.getElementById("boss-hp-left").textContent = frame.hp_left.toFixed(1);
  const hints = document.getElementById("boss-hints");
  hints.replaceChildren(...frame.hints.map((hint) => {
    const item = document.createElement("li");
    item.textContent = hint;
    return item;
  }));
  if (frame.type !== "boss.state") return;
  arena.dataset.state = frame.state;
  endsAt = frame.state === "running" ? Date.parse(frame.ends_at) : null;
  if (endsAt === null) document.getElementById("boss-clock").textContent = clockAtEnd(frame.state);
  offsetMs = Date.parse(frame.now) - Date.now();
  const banner = document.getElementById("boss-banner");
  banner.hidden = frame.state === "running";
  const earned = document.createElement("small");
  if (frame.state === "defeated") {
    earned.textContent = `Everyone earns ${frame.xp_each} XP.`;
    banner.replaceChildren("Defeated!", earned);
  }
  if (frame.state === "escaped") {
    earned.textContent = `Everyone earns ${frame.xp_each} XP for the damage dealt.`;
    banner.replaceChildren("The boss escaped!", earned);
  }
}

// An escape ran out of time; a defeat stopped the clock.
function clockAtEnd(state) {
  return state === "escaped" ? "00:00" : "—";
}

function feed(frame) {
  const list = document.getElementById("boss-feed");
  const item = document.createElement("li");
  item.className = frame.critical ? "critical" : "";
  item.textContent = `${frame.who} hits for ${frame.damage.toFixed(1)}${frame.critical ? " — critical!" : ""}`;
  list.prepend(item);
  while (list.children.length > FEED_KEEP) list.lastElementChild.remove();
  const figure = document.querySelector(".boss-figure");
  figure?.classList.add("hit");
  setTimeout(() => figure?.classList.remove("hit"), 150);
}

function tick() {
  const clock = document.getElementById("boss-clock");
  if (endsAt === null) return;
  const left = Math.max(0, endsAt - (Date.now() + offsetMs));
  const seconds = Math.floor(left / 1000);
  clock.textContent = `${String(Math.floor(seconds / 60)).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
}

function onFrame(frame) {
  if (frame.type === "boss.hit") {
    feed(frame);
    setState(frame);
  } else if (frame.type === "boss.state") {
    setState(frame);
  }
}

async function poll() {
  try {
    const response = await fetch(arena.dataset.stateUrl, { credentials: "same-origin" });
    if (response.ok) onFrame(await response.json());
  } catch {
    /* offline for a moment */
  }
  setTimeout(poll, 2000);
}

function connect(failures = 0) {
  if (failures >= 3) {
    poll();
    return;
  }
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}${arena.dataset.socket}`);
  socket.addEventListener("open", () => {
    failures = 0;
    arena.dataset.live = "1";
  });
  socket.addEventListener("message", (message) => {
    try {
      onFrame(JSON.parse(message.data));
    } catch {
      /* not a frame of ours */
    }
  });
  socket.addEventListener("close", () => {
    delete arena.dataset.live;
    setTimeout(() => connect(failures + 1), 500 * 2 ** failures);
  });
}

if (arena) {
  const clock = document.getElementById("boss-clock");
  endsAt = arena.dataset.state === "running" ? Date.parse(clock.dataset.endsAt) : null;
  if (endsAt === null) clock.textContent = clockAtEnd(arena.dataset.state);
  offsetMs = Date.parse(clock.dataset.now) - Date.now();
  setInterval(tick, 250);
  tick();
  connect();
}
