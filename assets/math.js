// Math in statements: KaTeX, bundled by esbuild into app/static/build/math.js (no CDN).
// The server's Markdown renderer leaves $...$ as <span class="math inline"> and $$...$$ as
// <div class="math block">, with the TeX as escaped text; renderMath typesets them in place.
import katex from "katex";

// The TeX of a math element: its own text, without the equation label markdown adds.
function texOf(element) {
  return [...element.childNodes]
    .filter((node) => node.nodeType === Node.TEXT_NODE)
    .map((node) => node.textContent)
    .join("")
    .trim();
}

// katex.render builds DOM nodes and sets their sizes through element.style (CSSOM), which the
// CSP (style-src 'self') allows, unlike style="" attributes in markup (see app/security.py).
export function renderMath(root) {
  for (const element of root.querySelectorAll(".math.inline, .math.block")) {
    if (element.dataset.tex !== undefined) continue; // already typeset
    const tex = texOf(element);
    element.dataset.tex = tex;
    katex.render(tex, element, {
      displayMode: element.classList.contains("block"),
      throwOnError: false,
      trust: false,
    });
  }
}
