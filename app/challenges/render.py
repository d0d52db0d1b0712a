"""Statement Markdown to safe HTML: markdown-it-py with $math$, then nh3 sanitizing.

Relative image URLs (`![](figure.png)`) point into the challenge's files URL. Absolute ones
(`http(s)://`) are left as written: the CSP (img-src 'self' data:) blocks them, as a school
network with no internet would, so statements should upload their images instead.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from urllib.parse import quote, unquote, urlsplit

import nh3
from flask import url_for
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.dollarmath import dollarmath_plugin

from app.models import Challenge

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


def files_url(slug: str) -> str:
    """The prefix a challenge's statement files are served under (needs an app context)."""
    return url_for("challenges.statement_file", slug=slug, name="_")[:-1]


def image_src(src: str, files: str | None) -> str | None:
    """Where an image's src should point: relative names into files; None drops the src."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or src.startswith(("/", "#", "?")) or not parts.path:
        return src  # absolute, data: or same-page: not the challenge's to resolve
    name = posixpath.normpath(unquote(parts.path))
    if files is None or name == ".." or name.startswith("../"):
        return None  # nowhere to resolve it (an unsaved challenge): the alt text shows
    return files + quote(name)


def _rewrite_images(tokens: Sequence[Token], files: str | None) -> None:
    for token in tokens:
        if token.children:
            _rewrite_images(token.children, files)
        if token.type == "image":
            src = image_src(str(token.attrs.get("src", "")), files)
            if src is None:
                token.attrs.pop("src", None)
            else:
                token.attrs["src"] = src


def render_markdown(text: str, files: str | None = None) -> Markup:
    """Sanitized HTML of a statement (images relative to files); math stays as `math` spans."""
    env: dict[str, object] = {}
    tokens = _md.parse(text or "", env)
    _rewrite_images(tokens, files)
    html = _md.renderer.render(tokens, _md.options, env)
    clean = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, link_rel="noopener nofollow")
    return Markup(clean)  # noqa: S704 (sanitized by nh3 just above)


def render_statement(challenge: Challenge) -> Markup:
    """A challenge's statement as students see it, its images served from its files."""
    return render_markdown(challenge.statement_md or "", files_url(challenge.slug))
