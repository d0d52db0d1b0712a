// The editor's files as tabs: a program of several files (add, rename, remove, pick the main
// file) for the languages the registry lets have several; one tab otherwise.
import { loadFiles, saveFiles } from "./drafts.js";

// As the server checks it (app/submissions/files.py): a plain name, no folder, no "..".
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_+-]*(\.[A-Za-z0-9_+-]+)*$/;
export const MAX_FILES = 10;

export class FileTabs {
  constructor(root, editor, { challenge, onMessage }) {
    this.root = root;
    this.editor = editor;
    this.challenge = challenge;
    this.onMessage = onMessage;
    this.tabs = root.querySelector("#file-tabs");
    this.tools = root.querySelector("#file-tools");
    this.nameInput = root.querySelector("#file-name");
    this.mainPicker = root.querySelector("#main-file");
    this.removeButton = root.querySelector("#remove-file");
    this.language = null;
    this.files = []; // [{name, text}]
    this.main = "";
    this.active = 0;
    root.querySelector("#add-file").addEventListener("click", () => this.add());
    this.removeButton.addEventListener("click", () => this.remove(this.active));
    this.nameInput.addEventListener("change", () => this.rename(this.nameInput.value.trim()));
    this.mainPicker.addEventListener("change", () => {
      this.main = this.mainPicker.value;
      this.changed();
    });
  }

  // Open a language's files: its draft, else one file with the starter text.
  open(language, starterText) {
    this.language = language;
    const draft = loadFiles(this.challenge, language.id);
    if (draft && (draft.files.length === 1 || language.several_files)) {
      this.files = draft.files.map((file) => ({ ...file }));
      this.files.forEach((file) => (file.name ||= this.defaultName()));
      this.main = draft.main || this.files[0].name;
    } else {
      this.files = [{ name: this.defaultName(), text: starterText }];
      this.main = this.files[0].name;
    }
    this.showFiles(0);
  }

  // Replace every file (an upload of several).
  replace(files) {
    this.files = files;
    const names = files.map((file) => file.name);
    this.main =
      this.language.main_names.find((name) => names.includes(name)) ??
      names.find((name) => this.isSource(name)) ??
      names[0];
    this.showFiles(0);
    this.changed();
  }

  defaultName() {
    return this.language.main_names[0] ?? `main${this.language.extensions[0]}`;
  }

  isSource(name) {
    return this.language.extensions.some((extension) => name.endsWith(extension));
  }

  // What the editor holds now, written back into its file.
  sync() {
    if (this.files[this.active]) this.files[this.active].text = this.editor.getValue();
  }

  edited(text) {
    if (!this.files[this.active]) return;
    this.files[this.active].text = text;
    saveFiles(this.challenge, this.language.id, { files: this.files, main: this.main });
  }

  changed() {
    this.sync();
    saveFiles(this.challenge, this.language.id, { files: this.files, main: this.main });
    this.render();
  }

  showFiles(index) {
    this.editor.forgetAll();
    this.active = -1;
    this.select(index);
  }

  select(index) {
    this.sync();
    this.active = index;
    const file = this.files[index];
    this.editor.show(file.name, file.text);
    this.render();
  }

  add() {
    if (this.files.length >= MAX_FILES) {
      this.onMessage(`A submission has at most ${MAX_FILES} files.`);
      return;
    }
    const names = new Set(this.files.map((file) => file.name.toLowerCase()));
    let number = this.files.length + 1;
    while (names.has(`file${number}${this.language.extensions[0]}`)) number += 1;
    this.files.push({ name: `file${number}${this.language.extensions[0]}`, text: "" });
    this.select(this.files.length - 1);
    this.changed();
    this.nameInput.focus();
    this.nameInput.select();
  }

  rename(name) {
    const file = this.files[this.active];
    if (!file || name === file.name) return;
    const problem = this.nameProblem(name);
    if (problem) {
      this.onMessage(problem);
      this.nameInput.value = file.name;
      return;
    }
    this.onMessage("");
    this.editor.rename(file.name, name);
    if (this.main === file.name) this.main = name;
    file.name = name;
    this.changed();
  }

  nameProblem(name) {
    if (!name) return "A file needs a name.";
    if (name.includes("/") || name.includes("\\") || name.includes(".."))
      return `The file name ${name} must not contain "/", "\\" or "..".`;
    if (!NAME.test(name) || name.length > 100)
      return `The file name ${name} is not a plain name (letters, digits, _ + - and dots).`;
    const taken = this.files.some(
      (other, index) => index !== this.active && other.name.toLowerCase() === name.toLowerCase(),
    );
    return taken ? `There is a file named ${name} already.` : "";
  }

  remove(index) {
    if (this.files.length < 2) return;
    const [gone] = this.files.splice(index, 1);
    this.editor.forget(gone.name);
    if (this.main === gone.name) this.main = this.files[0].name;
    this.active = -1; // the removed file's text is not written back
    this.select(Math.min(index, this.files.length - 1));
    this.changed();
  }

  // What to send: one file's text, or every file and the main one.
  payload() {
    this.sync();
    if (this.files.length === 1) return { source: this.files[0].text };
    return {
      files: this.files.map((file) => ({ name: file.name, content: file.text })),
      entry: this.main,
    };
  }

  render() {
    const several = Boolean(this.language?.several_files);
    this.root.hidden = !several;
    this.tabs.replaceChildren(
      ...this.files.map((file, index) => {
        const tab = document.createElement("button");
        tab.type = "button";
        tab.className = "file-tab";
        tab.setAttribute("role", "tab");
        tab.setAttribute("aria-selected", String(index === this.active));
        tab.dataset.testid = "file-tab";
        tab.textContent = file.name;
        if (this.files.length > 1 && file.name === this.main) {
          const badge = document.createElement("span");
          badge.className = "main-mark";
          badge.textContent = "main";
          tab.append(" ", badge);
        }
        tab.addEventListener("click", () => this.select(index));
        return tab;
      }),
    );
    const file = this.files[this.active];
    this.nameInput.value = file ? file.name : "";
    this.tools.hidden = !several || this.files.length < 2;
    this.removeButton.disabled = this.files.length < 2;
    const sources = this.files.filter((each) => this.isSource(each.name));
    this.mainPicker.replaceChildren(
      ...sources.map((each) => new Option(each.name, each.name, false, each.name === this.main)),
    );
  }
}
