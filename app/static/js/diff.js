// Expected vs actual output of a sample, with the first difference marked.

export function firstDifference(expected, actual) {
  const length = Math.min(expected.length, actual.length);
  for (let i = 0; i < length; i += 1) {
    if (expected[i] !== actual[i]) return i;
  }
  return expected.length === actual.length ? -1 : length;
}

function position(text, index) {
  const before = text.slice(0, index).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function markedPre(text, index, label) {
  const pre = document.createElement("pre");
  pre.className = "diff-side";
  pre.setAttribute("aria-label", label);
  pre.append(text.slice(0, index));
  const mark = document.createElement("mark");
  const char = text.charAt(index);
  mark.textContent = char === "" ? "⟂ (end)" : char === "\n" ? "↵\n" : char;
  pre.append(mark, text.slice(index + 1));
  return pre;
}

function column(title, pre) {
  const box = document.createElement("div");
  const heading = document.createElement("h4");
  heading.textContent = title;
  box.append(heading, pre);
  return box;
}

export function renderDiff(test) {
  const block = document.createElement("div");
  block.className = "sample-diff";
  block.dataset.position = String(test.position);
  const title = document.createElement("h3");
  title.textContent = `Sample ${test.name}: ${test.verdict}`;
  block.append(title);
  const expected = test.expected ?? "";
  const actual = test.output ?? "";
  const index = firstDifference(expected, actual);
  const where = document.createElement("p");
  where.className = "diff-where";
  if (index < 0) {
    where.textContent = "The output matches the expected output.";
  } else {
    const at = position(expected.length > index ? expected : actual, index);
    where.textContent = `First difference at line ${at.line}, column ${at.column}.`;
  }
  if (test.message) where.append(` ${test.message}`);
  const sides = document.createElement("div");
  sides.className = "diff";
  const marked = index < 0 ? Math.max(expected.length, actual.length) : index;
  sides.append(
    column("Expected", markedPre(expected, marked, "Expected output")),
    column("Your output", markedPre(actual, marked, "Your output")),
  );
  block.append(where, sides);
  return block;
}
