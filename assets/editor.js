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
  const view = new EditorView({
    parent: mount,
    root: shadow,
    state: EditorState.create({
      doc,
      extensions: [
        basicSetup,
        theme,
        keymap.of([indentWithTab]),
        language.of(modeSupport(mode)),
        EditorView.contentAttributes.of({ "aria-label": "Source code", "data-testid": "editor" }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && onChange) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    setMode(name) {
      view.dispatch({ effects: language.reconfigure(modeSupport(name)) });
    },
    focus: () => view.focus(),
  };
}
