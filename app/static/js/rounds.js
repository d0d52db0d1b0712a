// Round pages: times in the viewer's zone, balloon colours, confirmations, the host form's
// mode-dependent fields, and a countdown by the server's clock (corrected for this browser's skew).

/** Show the times under root in the viewer's zone (the server's text stays as the title). */
export function showLocalTimes(root = document) {
  for (const time of root.querySelectorAll("time[datetime]")) {
    const moment = new Date(time.getAttribute("datetime"));
    if (!Number.isNaN(moment.valueOf())) {
      time.title = time.textContent;
      time.textContent = moment.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
    }
  }
}
showLocalTimes();

// Colours come from data attributes: the CSP refuses style="" in markup, not CSSOM.
for (const element of document.querySelectorAll("[data-balloon]")) {
  element.style.setProperty("--balloon", element.dataset.balloon);
}

for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}

const roundForm = document.getElementById("round-form");
if (roundForm) {
  const mode = roundForm.querySelector("#mode");
  const show = () => {
    for (const row of roundForm.querySelectorAll("[data-for-mode]")) {
      row.hidden = !row.dataset.forMode.split(" ").includes(mode.value);
    }
  };
  mode.addEventListener("change", show);
  show();
}

/** Milliseconds to add to this browser's clock to get the server's. */
export async function serverOffset(clockUrl, serverNowText) {
  let offset = serverNowText ? Date.parse(serverNowText) - Date.now() : 0;
  if (!clockUrl) return offset;
  try {
    const sent = Date.now();
    const response = await fetch(clockUrl, { credentials: "same-origin", cache: "no-store" });
    const received = Date.now();
    const body = await response.json();
    // Half the round trip is the best guess of when the server read its clock (as NTP does).
    offset = Date.parse(body.now) - (sent + received) / 2;
  } catch {
    // Keep the estimate from the page itself.
  }
  return offset;
}

export function formatLeft(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const clock = [hours, minutes, seconds].map((n) => String(n).padStart(2, "0")).join(":");
  return days ? `${days}d ${clock}` : clock;
}

const countdown = document.querySelector("[data-countdown]");
if (countdown && countdown.dataset.target) {
  const value = countdown.querySelector(".countdown-value");
  const target = Date.parse(countdown.dataset.target);
  let offset = countdown.dataset.serverNow ? Date.parse(countdown.dataset.serverNow) - Date.now() : 0;
  serverOffset(countdown.dataset.clock, countdown.dataset.serverNow).then((measured) => {
    offset = measured;
    countdown.dataset.skewMs = String(Math.round(offset));
  });
  const tick = () => {
    const left = target - (Date.now() + offset);
    value.textContent = formatLeft(left);
    if (left <= 0) {
      clearInterval(timer);
      // The state changed (started, ended): the server says what the page shows now.
      setTimeout(() => window.location.reload(), 1500);
    }
  };
  const timer = setInterval(tick, 250);
  tick();
}

for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.submit());
}
