"""A fallback statement renderer (Markdown, then sanitised) until the challenge area's lands."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False}).enable("table")


def render_markdown(text: str) -> str:
    """Markdown to HTML with every tag and attribute outside nh3's safe list removed."""
    return nh3.clean(_md.render(text))
