"""In Chromium: a teacher uploads a statement image and the student's page shows it loaded."""

from __future__ import annotations

from typing import Any

import pytest

from app.extensions import db
from tests.app.challenges.images import png
from tests.app.challenges.test_math_browser import RECORD_VIOLATIONS
from tests.app.submissions.browser import log_in
from tests.factories import make_challenge, make_user
from tests.support.polling import wait_for

pytestmark = pytest.mark.browser


def _loaded_width(page: Any, selector: str) -> int:
    """The natural width of the image once it has loaded (polled: the CSP forbids eval)."""
    image = page.locator(selector)
    image.wait_for()
    loaded = "img => img.complete && img.naturalWidth > 0"
    wait_for(lambda: image.evaluate(loaded), 10, f"the image {selector} to load")
    return int(image.evaluate("img => img.naturalWidth"))


def test_uploaded_image_shows_on_the_students_page(live_server, page, tmp_path):
    teacher, student = make_user(role="teacher"), make_user()
    slug = make_challenge(owner_id=teacher.id, statement_md="Add two numbers.").slug
    teacher_email, student_email = teacher.email, student.email
    db.session.remove()
    image = tmp_path / "tree.png"
    image.write_bytes(png(40, 30))
    page.add_init_script(RECORD_VIOLATIONS)

    log_in(page, live_server.url, teacher_email)
    page.goto(f"{live_server.url}/challenges/{slug}/edit")
    page.set_input_files("input[name=image-file]", str(image))
    page.click("#images form:not(.inline) button[type=submit]")
    snippet = page.locator("#images code.snippet").filter(has_text="tree.png")
    snippet.wait_for()
    page.fill("textarea[name=statement_md]", f"Add two numbers.\n\n{snippet.inner_text()}\n")
    # The editor's student view already loads it from the challenge's files.
    assert _loaded_width(page, "#statement-preview img") == 40
    page.click("form:has(textarea[name=statement_md]) button[type=submit]")
    page.locator(".flash").filter(has_text="Saved").wait_for()
    assert page.evaluate("window.__violations") == []

    page.context.clear_cookies()
    log_in(page, live_server.url, student_email)
    page.goto(f"{live_server.url}/challenges/{slug}")
    assert _loaded_width(page, ".statement img") == 40
    assert page.locator(".statement img").get_attribute("alt") == "tree"
    assert page.evaluate("window.__violations") == []
