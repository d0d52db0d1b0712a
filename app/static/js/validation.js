// While a validation runs, the solutions page fetches itself every few seconds and, once the
// worker stored the outcome, swaps in that section and enables Validate again: unlike a reload,
// this keeps a reference solution being typed meanwhile.
const POLL_MS = 3000;

async function poll() {
  const running = document.getElementById("validation-running");
  if (!running) return;
  let html;
  try {
    const response = await fetch(window.location.href, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    html = await response.text();
  } catch {
    setTimeout(poll, 2 * POLL_MS); // the server is busy or away: ask again, less often
    return;
  }
  const page = new DOMParser().parseFromString(html, "text/html");
  const outcome = page.querySelector(
    "#validation-report, #validation-failed, #validation-interrupted",
  );
  if (!outcome) {
    setTimeout(poll, POLL_MS);
    return;
  }
  running.replaceWith(document.adoptNode(outcome));
  const button = document.getElementById("validate");
  if (button) button.disabled = false;
}

setTimeout(poll, POLL_MS);
