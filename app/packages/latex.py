"""A small LaTeX-to-Markdown converter for Kattis statements (problem.en.tex).

It handles what problem statements use most: \\problemname, sections, the Input/Output
environments, itemize/enumerate, bold/italic/typewriter, verbatim and lstlisting, URLs,
images, quotes and dashes. Math is kept as $...$ / $$...$$ for the dollarmath renderer.
Anything else loses its command and keeps its text; the original is stored beside it.
"""

from __future__ import annotations

import re

_PLACEHOLDER = "\x00{}\x00"
_MATH = re.compile(
    r"\$\$.+?\$\$|\\\[.+?\\\]|\\\(.+?\\\)|(?<!\\)\$(?:\\.|[^$\\])+?\$"
    r"|\\begin\{(equation|align|eqnarray|displaymath)\*?\}.+?\\end\{\1\*?\}",
    re.S,
)
_VERBATIM = re.compile(r"\\begin\{(verbatim|lstlisting)\}(?:\[[^\]]*\])?\n?(.*?)\\end\{\1\}", re.S)
_SIMPLE = {
    "textbf": "**{}**",
    "textit": "*{}*",
    "emph": "*{}*",
    "texttt": "`{}`",
    "underline": "{}",
    "textsc": "{}",
    "sout": "~~{}~~",
    "url": "<{}>",
    "section": "\n## {}\n",
    "section*": "\n## {}\n",
    "subsection": "\n### {}\n",
    "subsection*": "\n### {}\n",
    "subsubsection": "\n#### {}\n",
    "paragraph": "\n**{}** ",
}
_ENVIRONMENTS = {"Input": "## Input", "Output": "## Output", "Interaction": "## Interaction"}


def problem_name(source: str) -> str | None:
    """The plain problem name: `%% plainproblemname:` comment, else \\problemname{...}."""
    plain = re.search(r"^%%\s*plainproblemname:\s*(.+)$", source, re.M)
    if plain:
        return plain.group(1).strip()
    match = re.search(r"\\problemname\{((?:[^{}]|\{[^{}]*\})*)\}", source)
    if match:
        return re.sub(r"\\[a-zA-Z]+\s*|[{}$]", "", match.group(1)).strip() or None
    return None


def _strip_comments(source: str) -> str:
    return re.sub(r"(?<!\\)%.*$", "", source, flags=re.M)


def _lists(text: str) -> str:
    """itemize/enumerate to Markdown lists (nesting indents by two spaces)."""
    out: list[str] = []
    stack: list[list[int]] = []  # [is_numbered, counter]
    for piece in re.split(
        r"(\\begin\{(?:itemize|enumerate)\}|\\end\{(?:itemize|enumerate)\}|\\item\b(?:\[[^\]]*\])?)",
        text,
    ):
        if piece.startswith("\\begin{"):
            stack.append([int("enumerate" in piece), 0])
            out.append("\n")
        elif piece.startswith("\\end{"):
            if stack:
                stack.pop()
            out.append("\n\n")
        elif piece.startswith("\\item") and stack:
            numbered, count = stack[-1]
            stack[-1][1] = count + 1
            marker = f"{count + 1}. " if numbered else "- "
            out.append("\n" + "  " * (len(stack) - 1) + marker)
        else:
            out.append(re.sub(r"\s*\n\s*", " ", piece).strip() if stack else piece)
    return "".join(out)


def _commands(text: str) -> str:
    """Replace innermost one-argument commands until none is left."""
    inner = r"\{([^{}]*)\}"
    for _ in range(20):
        before = text
        text = re.sub(r"\{\\bf\s+([^{}]*)\}", r"**\1**", text)
        text = re.sub(r"\{\\(?:it|em)\s+([^{}]*)\}", r"*\1*", text)
        text = re.sub(r"\{\\tt\s+([^{}]*)\}", r"`\1`", text)
        text = re.sub(r"\\href\{([^{}]*)\}\{([^{}]*)\}", r"[\2](\1)", text)
        text = re.sub(r"\\illustration\{[^{}]*\}\{([^{}]*)\}\{([^{}]*)\}", r"\n![\2](\1)\n", text)
        text = re.sub(r"\\includegraphics(?:\[[^\]]*\])?\{([^{}]*)\}", r"![](\1)", text)
        text = re.sub(
            r"\\([a-zA-Z]+\*?)" + inner,
            lambda m: _SIMPLE.get(m.group(1), "{}").format(m.group(2)),
            text,
        )
        if text == before:
            break
    return text


def latex_to_markdown(source: str) -> str:
    """Convert a Kattis LaTeX statement body to Markdown (math kept for dollarmath)."""
    kept: list[str] = []

    def keep(value: str) -> str:
        kept.append(value)
        return _PLACEHOLDER.format(len(kept) - 1)

    text = source.replace("\r\n", "\n")
    text = _VERBATIM.sub(lambda m: keep("\n```\n" + m.group(2).rstrip("\n") + "\n```\n"), text)
    text = _strip_comments(text)

    def math(match: re.Match[str]) -> str:
        body = match.group(0)
        if body.startswith("\\["):
            body = "$$" + body[2:-2] + "$$"
        elif body.startswith("\\("):
            body = "$" + body[2:-2] + "$"
        elif body.startswith("\\begin"):
            body = "$$" + body + "$$"
        if body.startswith("$$"):
            body = "\n$$\n" + body[2:-2].strip() + "\n$$\n"
        return keep(body)

    text = _MATH.sub(math, text)
    text = re.sub(r"\\problemname\{(?:[^{}]|\{[^{}]*\})*\}", "", text)
    for name, heading in _ENVIRONMENTS.items():
        text = text.replace(f"\\begin{{{name}}}", f"\n{heading}\n").replace(
            f"\\end{{{name}}}", "\n"
        )
    text = re.sub(
        r"\\(?:begin|end)\{(?:center|quote|figure|wrapfigure|flushleft|flushright)\}(?:\[[^\]]*\])?(?:\{[^{}]*\})?",
        "\n",
        text,
    )
    # Quotes first: a stray backtick would open a Markdown code span.
    text = text.replace("``", "\u201c").replace("''", "\u201d").replace("`", "\u2018")
    text = _lists(text)
    text = _commands(text)
    replacements = [
        ("---", "\u2014"),
        ("--", "\u2013"),
        ("\\ldots", "\u2026"),
        ("\\dots", "\u2026"),
        ("\\textellipsis", "\u2026"),
        ("\\\\", "  \n"),
        ("~", "\u00a0"),
        ("\\%", "%"),
        ("\\&", "&"),
        ("\\#", "#"),
        ("\\_", "\\_"),
        ("\\$", "\\$"),
    ]
    text = text.replace("\\{", keep("{")).replace("\\}", keep("}"))
    for old, new in replacements:
        text = text.replace(old, new)
    text = re.sub(
        r"\\(?:noindent|medskip|bigskip|smallskip|newline|par|centering|clearpage|newpage)\b\s*",
        "",
        text,
    )
    text = re.sub(
        r"\\(?:tiny|scriptsize|small|normalsize|large|Large|LARGE|huge|Huge|bf|it|tt|em)\b\s*",
        "",
        text,
    )
    text = re.sub(r"\\nextsample|\\remainingsamples", "", text)
    # Unknown commands lose their name and keep their text.
    text = re.sub(r"\\[a-zA-Z]+\*?(?:\[[^\]]*\])?", "", text)
    text = re.sub(r"(?<!\\)[{}]", "", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    for index in range(len(kept) - 1, -1, -1):
        text = text.replace(_PLACEHOLDER.format(index), kept[index])
    return re.sub(r"\n{3,}", "\n\n", text)
