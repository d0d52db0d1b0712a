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
