// Statement pages (challenge page, solve page): typeset the $math$ of every [data-math] block.
import { renderMath } from "../build/math.js";

for (const root of document.querySelectorAll("[data-math]")) {
  renderMath(root);
}
