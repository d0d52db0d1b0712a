// Drafts kept in this browser's localStorage, one per challenge and language.
const PREFIX = "codedev:draft:";

function key(challenge, language) {
  return `${PREFIX}${challenge}:${language}`;
}

export function loadDraft(challenge, language) {
  try {
    return localStorage.getItem(key(challenge, language));
  } catch {
    return null; // storage disabled (private mode): the editor still works
  }
}

export function saveDraft(challenge, language, text) {
  try {
    localStorage.setItem(key(challenge, language), text);
  } catch {
    /* quota or disabled storage: drafts are a convenience */
  }
}

export function loadChoice(name) {
  try {
    return localStorage.getItem(`codedev:${name}`);
  } catch {
    return null;
  }
}

export function saveChoice(name, value) {
  try {
    localStorage.setItem(`codedev:${name}`, value);
  } catch {
    /* ignore */
  }
}

// A program of several files: {files: [{name, text}], main}, one per challenge and language.
// The main file's text also goes to the one-file draft, so a draft from before tabs still opens.
function filesKey(challenge, language) {
  return `codedev:files:${challenge}:${language}`;
}

export function loadFiles(challenge, language) {
  try {
    const kept = JSON.parse(localStorage.getItem(filesKey(challenge, language)) || "null");
    if (kept && Array.isArray(kept.files) && kept.files.length) return kept;
  } catch {
    /* a damaged draft: fall back to the one-file draft */
  }
  const text = loadDraft(challenge, language);
  return text === null ? null : { files: [{ name: "", text }], main: "" };
}

export function saveFiles(challenge, language, { files, main }) {
  const first = files.find((file) => file.name === main) ?? files[0];
  if (first) saveDraft(challenge, language, first.text);
  try {
    localStorage.setItem(filesKey(challenge, language), JSON.stringify({ files, main }));
  } catch {
    /* quota or disabled storage: drafts are a convenience */
  }
}
