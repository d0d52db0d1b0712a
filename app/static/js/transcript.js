// An interactive sample's transcript, as a .interaction file writes it: what the judge (the
// interactor) sent the program (<) and what the program sent (>).

export function renderTranscript(test) {
  const block = document.createElement("div");
  block.className = "sample-transcript";
  block.dataset.position = String(test.position);
  const title = document.createElement("h3");
  title.textContent = `Sample ${test.name}: ${test.verdict} · interaction`;
  block.append(title);
  if (test.message) {
    const note = document.createElement("p");
    note.textContent = test.message;
    block.append(note);
  }
  const pre = document.createElement("pre");
  pre.className = "transcript";
  pre.setAttribute("aria-label", "Interaction");
  for (const line of (test.interaction || "").split("\n")) {
    if (!line) continue;
    const row = document.createElement("span");
    row.className = line.startsWith("<") ? "to-program" : "from-program";
    row.textContent = `${line}\n`;
    pre.append(row);
  }
  block.append(pre);
  return block;
}
