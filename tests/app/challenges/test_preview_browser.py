"""In Chromium: the challenge editor's student view follows the statement as the teacher types."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.app.challenges.test_math_browser import RECORD_VIOLATIONS
from tests.app.submissions.browser import log_in
from tests.factories import make_challenge, make_user

pytestmark = pytest.mark.browser


def test_preview_updates_while_the_teacher_types(live_server, page):
    teacher = make_user(role="teacher")
    slug = make_challenge(owner_id=teacher.id, statement_md="Old *text* $x$").slug
    email = teacher.email
    db.session.remove()
    page.add_init_script(RECORD_VIOLATIONS)
    posts: list[str] = []
    page.on("request", lambda r: r.method == "POST" and "/preview" in r.url and posts.append(r.url))
    log_in(page, live_server.url, email)

    page.goto(f"{live_server.url}/challenges/{slug}/edit")
    preview = page.locator("#statement-preview")
    preview.locator(".math.inline .katex").wait_for()  # the saved statement, typeset on load
    assert "Old" in preview.inner_text()

    page.fill("textarea[name=statement_md]", "")
    page.locator("textarea[name=statement_md]").press_sequentially(
        "Sum **two** numbers $a^2+b^2$ <script>alert(1)</script>", delay=15
    )
    preview.locator("strong").filter(has_text="two").wait_for()
    preview.locator(".math.inline .katex").wait_for()
    page.wait_for_function(
        "document.getElementById('statement-preview').textContent.includes('</script>')"
    )
    assert "Old" not in preview.inner_text()
    assert "<script>alert(1)</script>" in preview.inner_text()  # text, never run
    assert preview.locator("script").count() == 0
    assert len(posts) < 20  # debounced: not one request per keystroke
    assert page.evaluate("window.__violations") == []

    page.fill("textarea[name=statement_md]", "$$\n\\frac{1}{2}\n$$")
    preview.locator(".math.block .katex-display").wait_for()
    assert page.locator("#preview-status").is_hidden()


def test_preview_of_a_new_challenge_and_a_lost_session(live_server, page):
    teacher = make_user(role="teacher")
    email = teacher.email
    db.session.remove()
    log_in(page, live_server.url, email)
    page.goto(f"{live_server.url}/challenges/new")
    page.fill("textarea[name=statement_md]", "# Heading")
    page.locator("#statement-preview h1").filter(has_text="Heading").wait_for()

    page.context.clear_cookies()  # the session ends while the teacher is typing
    page.fill("textarea[name=statement_md]", "# Changed")
    # Without its session the CSRF token is stale: the pane says so and keeps the last view.
    page.locator("#preview-status").filter(has_text="session expired").wait_for()
    assert page.locator("#statement-preview h1").inner_text() == "Heading"
