// The solve page: editor with drafts, files as tabs, language picker, file upload, run on
// samples, submit.
import { createEditor } from "../build/editor.js";
import { loadChoice, saveChoice } from "./drafts.js";
import { FileTabs, MAX_FILES } from "./file_tabs.js";
import { followSubmission } from "./live.js";
import { ResultView } from "./results.js";

const root = document.getElementById("solve");
// The challenge's languages from the registry (worker/languages/): id, name, extensions, mode.
const languages = JSON.parse(document.getElementById("languages").textContent || "[]");
const byId = new Map(languages.map((language) => [language.id, language]));
const challenge = root.dataset.challenge;
const starter = JSON.parse(document.getElementById("starter-code").textContent || "{}");
const picker = document.getElementById("language");
const message = document.getElementById("message");
const buttons = [document.getElementById("run-samples"), document.getElementById("submit")];
const view = new ResultView(document.getElementById("result"));
const connection = document.getElementById("connection");
let following = null;

const remembered = loadChoice(`language:${challenge}`);
if (remembered && [...picker.options].some((option) => option.value === remembered)) {
  picker.value = remembered;
}

function modeOf(language) {
  return byId.get(language)?.mode ?? "";
}

// The language a file name's extension means: exact case first (.C is C++), then any case.
function languageOfFile(name) {
  for (const candidate of [name, name.toLowerCase()]) {
    const found = languages.find((language) =>
      language.extensions.some((extension) => candidate.endsWith(extension)),
    );
    if (found) return found.id;
  }
  return null;
}

const editor = createEditor(document.getElementById("editor"), {
  mode: modeOf(picker.value),
  onChange: (text) => files.edited(text),
});
const files = new FileTabs(document.getElementById("files"), editor, {
  challenge,
  onMessage: showMessage,
});

function openLanguage(language) {
  editor.setMode(modeOf(language));
  files.open(byId.get(language), starter[language] ?? "");
}
openLanguage(picker.value);

picker.addEventListener("change", () => {
  saveChoice(`language:${challenge}`, picker.value);
  openLanguage(picker.value);
});

document.getElementById("reset-code").addEventListener("click", () => {
  editor.setValue(starter[picker.value] ?? "");
  editor.focus();
});

document.getElementById("upload").addEventListener("change", async (event) => {
  const chosen = [...event.target.files].slice(0, MAX_FILES);
  event.target.value = "";
  if (!chosen.length) return;
  const language = chosen.map((file) => languageOfFile(file.name)).find((id) => byId.has(id));
  if (language && language !== picker.value) {
    picker.value = language;
    saveChoice(`language:${challenge}`, language);
    openLanguage(language);
  }
  if (chosen.length === 1 || !byId.get(picker.value).several_files) {
    editor.setValue(await chosen[0].text());
    return;
  }
  files.replace(
    await Promise.all(chosen.map(async (file) => ({ name: file.name, text: await file.text() }))),
  );
});

function showMessage(text) {
  message.textContent = text;
  message.hidden = !text;
}

const MODES = {
  live: "",
  reconnecting: "Connection lost; reconnecting…",
  polling: "Live updates unavailable; checking every second.",
};

async function send(kind) {
  showMessage("");
  buttons.forEach((button) => (button.disabled = true));
  try {
    const response = await fetch(root.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({
        challenge,
        language: picker.value,
        ...files.payload(),
        kind,
        ...(root.dataset.round ? { round: Number(root.dataset.round) } : {}),
      }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      showMessage(body.error?.message || `The server answered ${response.status}.`);
      return;
    }
    if (following) following.stop();
    view.start(body.id, kind, 0);
    following = followSubmission(
      body.id,
      (frame) => {
        view.apply(frame);
        if (view.finished && frame.type === "submission.state" && following) following.stop();
      },
      { onMode: (mode) => (connection.textContent = MODES[mode] ?? "") },
    );
  } catch {
    showMessage("Could not reach the server; your code is kept as a draft in this browser.");
  } finally {
    buttons.forEach((button) => (button.disabled = false));
  }
}

document.getElementById("run-samples").addEventListener("click", () => send("samples"));
document.getElementById("submit").addEventListener("click", () => send("submit"));
