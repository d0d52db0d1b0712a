// The code editor: CodeMirror 6 with the judge's languages, bundled by esbuild into
// app/static/build/editor.js (see scripts/build-assets.sh). Pages import createEditor.
import { basicSetup } from "codemirror";
import { EditorView, keymap } from "@codemirror/view";
import { EditorState, Compartment } from "@codemirror/state";
import { indentWithTab } from "@codemirror/commands";
import { indentUnit } from "@codemirror/language";
import { python } from "@codemirror/lang-python";
import { cpp } from "@codemirror/lang-cpp";
import { java } from "@codemirror/lang-java";
import { javascript } from "@codemirror/lang-javascript";

const LANGUAGES = {
  python3: () => [python(), indentUnit.of("    ")],
  c: () => [cpp(), indentUnit.of("    ")],
  cpp: () => [cpp(), indentUnit.of("    ")],
  java: () => [java(), indentUnit.of("    ")],
  javascript: () => [javascript(), indentUnit.of("  ")],
};

function languageSupport(id) {
  return (LANGUAGES[id] || (() => []))();
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
export function createEditor(parent, { doc = "", language = "python3", onChange = null } = {}) {
  // CodeMirror injects its styles at run time. In a document that is a <style> element, which
  // the CSP (style-src 'self') refuses; in a shadow root it is a constructed stylesheet, which
  // the CSP allows. So the editor lives in a shadow root.
  const shadow = parent.attachShadow({ mode: "open" });
  const mount = document.createElement("div");
  shadow.append(mount);
  const mode = new Compartment();
  const view = new EditorView({
    parent: mount,
    root: shadow,
    state: EditorState.create({
      doc,
      extensions: [
        basicSetup,
        theme,
        keymap.of([indentWithTab]),
        mode.of(languageSupport(language)),
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
    setLanguage(id) {
      view.dispatch({ effects: mode.reconfigure(languageSupport(id)) });
    },
    focus: () => view.focus(),
  };
}
