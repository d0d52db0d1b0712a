// The challenge editor's student view: as the teacher types, the server renders the statement
// with the renderer students get (Markdown, then nh3 sanitizing) and KaTeX typesets its math.
import { renderMath } from "../build/math.js";

const DELAY_MS = 300;
const preview = document.getElementById("statement-preview");
const source = document.getElementById("statement_md");
const status = document.getElementById("preview-status");
const token = source.form.querySelector("input[name=csrf_token]").value;
let timer = null;
let latest = 0; // answers to older keystrokes that arrive late are dropped

function trouble(text) {
  status.textContent = text;
  status.hidden = false;
}

async function refresh() {
  const ticket = ++latest;
  let response;
  let body = null;
  try {
    response = await fetch(preview.dataset.previewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": token,
      },
      // A saved challenge's slug lets relative images (![](figure.png)) resolve to its files.
      body: JSON.stringify({ statement_md: source.value, slug: preview.dataset.slug || null }),
    });
    if ((response.headers.get("Content-Type") || "").includes("application/json")) {
      body = await response.json();
    }
  } catch {
    if (ticket === latest) trouble("The preview is out of reach; your text is safe in the form.");
    return;
  }
  if (ticket !== latest) return;
  if (!body || body.error?.code === "csrf") {
    // The session ended: a redirect to the log-in page (HTML), or a stale CSRF token.
    trouble("The preview stopped: your session expired. Copy your text before reloading.");
    return;
  }
  if (!response.ok || typeof body.html !== "string") {
    trouble(body.error?.message || "The preview failed; your text is safe in the form.");
    return;
  }
  preview.innerHTML = body.html; // sanitized by the server, exactly as students receive it
  renderMath(preview);
  status.hidden = true;
}

source.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(refresh, DELAY_MS);
});
