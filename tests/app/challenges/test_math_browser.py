"""In Chromium: statement math is typeset by the local KaTeX bundle, under the strict CSP."""

from __future__ import annotations

from typing import Any

import pytest

from app.extensions import db
from tests.app.submissions.browser import log_in
from tests.factories import make_challenge, make_user

pytestmark = pytest.mark.browser

STATEMENT = (
    "Given $a^2+b^2$, print $c$ where\n\n"
    "$$\n\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}\n$$\n\n"
    "Compare $a<b$."
)


# Every CSP refusal fires a securitypolicyviolation event; the page keeps them for the test.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def _watch(page: Any, base: str) -> dict[str, list[str]]:
    """CSP messages and script errors, requests leaving the server, and the fonts fetched."""
    seen: dict[str, list[str]] = {"errors": [], "foreign": [], "fonts": []}
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and seen["errors"].append(m.text),
    )
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: r.url.startswith(base) or seen["foreign"].append(r.url))
    page.on(
        "response",
        lambda r: "/static/build/fonts/" in r.url and seen["fonts"].append(f"{r.status} {r.url}"),
    )
    return seen


def _typeset(page: Any, root: str) -> None:
    page.locator(f"{root} .math.block .katex-display").wait_for()
    assert page.locator(f"{root} .math.inline .katex").count() == 3
    # KaTeX's layout (struts, vlists) sized through CSSOM: the fraction has a real height.
    height = page.evaluate(
        f"document.querySelector('{root} .math.block .mfrac').getBoundingClientRect().height"
    )
    assert height > 20
    assert "a2+b2" in page.inner_text(f"{root} .math.inline .katex-html").replace("\n", "")
    assert page.locator(f"{root} .katex-error").count() == 0


def test_statement_math_is_typeset_locally_without_csp_violations(live_server, page):
    student = make_user()
    slug = make_challenge(statement_md=STATEMENT).slug
    email = student.email
    db.session.remove()
    base = live_server.url
    seen = _watch(page, base)
    log_in(page, base, email)

    page.goto(f"{base}/challenges/{slug}")
    _typeset(page, "article.statement")
    assert page.evaluate("window.__violations") == []
    page.goto(f"{base}/solve/{slug}")
    _typeset(page, ".statement-body")
    page.wait_for_load_state("networkidle")

    assert page.evaluate("window.__violations") == []
    assert seen["errors"] == []
    assert seen["foreign"] == []  # no CDN: everything comes from the server itself
    assert seen["fonts"] and all(line[:4] in ("200 ", "304 ") for line in seen["fonts"])
    assert page.evaluate("document.fonts.check('1em KaTeX_Main')")


def test_malformed_math_shows_its_source_and_the_page_still_works(live_server, page):
    student = make_user()
    slug = make_challenge(statement_md="Broken $\\frac{1}{$ and fine $x_1$.").slug
    email = student.email
    db.session.remove()
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, live_server.url, email)
    page.goto(f"{live_server.url}/challenges/{slug}")
    error = page.locator("article.statement .katex-error")
    error.wait_for()
    assert "\\frac{1}{" in error.inner_text()
    assert page.locator("article.statement .math.inline .katex").count() == 1
    # KaTeX colours its error span with a style attribute; the CSP refuses just that, and the
    # colour comes from build/math.css instead.
    assert set(page.evaluate("window.__violations")) <= {"style-src-attr inline"}
    assert page.evaluate("getComputedStyle(document.querySelector('.katex-error')).color") == (
        "rgb(176, 0, 32)"
    )
