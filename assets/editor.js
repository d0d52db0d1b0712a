// The code editor: CodeMirror 6 with a mode per language family, bundled by esbuild into
// app/static/build/editor.js (see scripts/build-assets.sh). Pages import createEditor and pass
// the mode the language registry names (worker/languages/, Language.editor_mode).
import { basicSetup } from "codemirror";
import { EditorView, keymap } from "@codemirror/view";
import { EditorState, Compartment } from "@codemirror/state";
import { indentWithTab } from "@codemirror/commands";
import { indentUnit } from "@codemirror/language";
import { python } from "@codemirror/lang-python";
import { cpp } from "@codemirror/lang-cpp";
import { java } from "@codemirror/lang-java";
import { javascript } from "@codemirror/lang-javascript";

const MODES = {
  python: () => [python(), indentUnit.of("    ")],
  cpp: () => [cpp(), indentUnit.of("    ")],
  java: () => [java(), indentUnit.of("    ")],
  javascript: () => [javascript(), indentUnit.of("  ")],
};

// An unknown or empty mode is plain text: a new language works before it has highlighting.
function modeSupport(mode) {
  return (MODES[mode] || (() => []))();
}

// Sizes live here: page CSS does not reach into the editor's shadow root.
const theme = EditorView.theme({
  "&": { height: "26rem", backgroundColor: "#fff" },
  ".cm-scroller": {
    fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace',
    fontSize: "0.92rem",
  },
});

// A small facade so page modules never touch CodeMirror's API directly.
export function createEditor(parent, { doc = "", mode = "", onChange = null } = {}) {
  // CodeMirror injects its styles at run time. In a document that is a <style> element, which
  // the CSP (style-src 'self') refuses; in a shadow root it is a constructed stylesheet, which
  // the CSP allows. So the editor lives in a shadow root.
  const shadow = parent.attachShadow({ mode: "open" });
  const mount = document.createElement("div");
  shadow.append(mount);
  const language = new Compartment();
  let currentMode = mode;
  const extensions = () => [
    basicSetup,
    theme,
    keymap.of([indentWithTab]),
    language.of(modeSupport(currentMode)),
    EditorView.contentAttributes.of({ "aria-label": "Source code", "data-testid": "editor" }),
    EditorView.updateListener.of((update) => {
      if (update.docChanged && onChange) onChange(update.state.doc.toString());
    }),
  ];
  const view = new EditorView({
    parent: mount,
    root: shadow,
    state: EditorState.create({ doc, extensions: extensions() }),
  });
  // A program of several files: one document per file, each with its own undo history.
  const documents = new Map();
  let current = null;
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    setMode(name) {
      currentMode = name;
      view.dispatch({ effects: language.reconfigure(modeSupport(name)) });
    },
    // Show the document called key (created with text the first time it is shown).
    show(key, text = "") {
      if (current !== null) documents.set(current, view.state);
      current = key;
      const kept = documents.get(key);
      view.setState(kept ?? EditorState.create({ doc: text, extensions: extensions() }));
      if (kept) view.dispatch({ effects: language.reconfigure(modeSupport(currentMode)) });
    },
    // Forget every document (a new language, a new set of files).
    forgetAll() {
      documents.clear();
      current = null;
    },
    rename(from, to) {
      if (documents.has(from)) documents.set(to, documents.get(from));
      documents.delete(from);
      if (current === from) current = to;
    },
    forget(key) {
      documents.delete(key);
    },
    focus: () => view.focus(),
  };
}
