// Follows one submission: a WebSocket (state first, then events), reconnecting with backoff;
// when sockets keep failing it polls the JSON API instead.
const SOCKET_FAILURES_BEFORE_POLLING = 3;
const POLL_MS = 1000;

export function followSubmission(id, onFrame, { onMode = () => {} } = {}) {
  let socket = null;
  let failures = 0;
  let stopped = false;
  let timer = null;

  function socketUrl() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    return `${scheme}://${location.host}/ws/submissions/${id}`;
  }

  function openSocket() {
    if (stopped) return;
    try {
      socket = new WebSocket(socketUrl());
    } catch {
      poll();
      return;
    }
    socket.addEventListener("open", () => {
      failures = 0;
      onMode("live");
    });
    socket.addEventListener("message", (message) => {
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      onFrame(frame);
    });
    socket.addEventListener("close", () => {
      socket = null;
      if (stopped) return;
      failures += 1;
      if (failures >= SOCKET_FAILURES_BEFORE_POLLING) {
        poll();
        return;
      }
      // Exponential backoff with jitter, so a restarted server is not hit by every tab at once.
      const delay = Math.min(8000, 500 * 2 ** failures) * (0.75 + Math.random() / 2);
      onMode("reconnecting");
      timer = setTimeout(openSocket, delay);
    });
  }

  async function poll() {
    if (stopped) return;
    onMode("polling");
    try {
      const response = await fetch(`/api/v1/submissions/${id}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.ok) {
        onFrame({ type: "submission.state", submission: await response.json() });
      }
    } catch {
      /* offline for a moment: try again */
    }
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  }

  openSocket();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      if (socket) socket.close();
    },
  };
}
