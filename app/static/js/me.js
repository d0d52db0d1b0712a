// One /ws/me socket per page, shared by every module that listens to the user's own channel
// (the bell, the XP toasts, clarification answers): ES modules load once, so this one does too.
// It reconnects with backoff; a listener gets each frame as JSON, including the server's
// "ready" on every (re)connect and a {type: "closed"} when the socket goes away.
const listeners = new Set();
let started = false;

function emit(frame) {
  for (const listener of listeners) {
    try {
      listener(frame);
    } catch (error) {
      console.error(error); // one module's bug must not silence the others
    }
  }
}

function connect(failures = 0) {
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
    if (frame && frame.type === "ready") failures = 0;
    emit(frame);
  });
  socket.addEventListener("close", () => {
    emit({ type: "closed" });
    const delay = Math.min(30000, 1000 * 2 ** failures) * (0.75 + Math.random() / 2);
    setTimeout(() => connect(failures + 1), delay);
  });
}

export function onMe(listener) {
  listeners.add(listener);
  if (!started) {
    started = true;
    connect();
  }
}
