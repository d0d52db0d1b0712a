"""Statement Markdown to safe HTML: markdown-it-py with $math$, then nh3 sanitizing."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.dollarmath import dollarmath_plugin

# allow_digits=False: "costs $5 and $6" stays text, not a formula.
_md = (
    MarkdownIt("commonmark", {"html": False})
    .enable("table")
    .use(dollarmath_plugin, allow_digits=False)
)
_TAGS = nh3.ALLOWED_TAGS | {
    "span",
    "div",
    "pre",
    "code",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "del",
}
_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "span": {"class"},
    "div": {"class"},
    "code": {"class"},
    "img": {"src", "alt", "title"},
}


def render_markdown(text: str) -> Markup:
    """Sanitized HTML of a statement; math stays as `math` spans for a local renderer."""
    html = _md.render(text or "")
    clean = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, link_rel="noopener nofollow")
    return Markup(clean)  # noqa: S704 (sanitized by nh3 just above)
