"""Clarifications in Chromium at 1366x768: a contestant asks through the page; the jury
answers from its queue with a canned answer; the answer reaches the contestant's open page
live (on /ws/me)."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.app.submissions.browser import log_in
from tests.factories import make_challenge, make_round, make_user
from tests.live import SCREENSHOTS

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}


def test_a_question_asked_in_the_page_gets_its_answer_live(app, live_server, chromium, page):
    teacher = make_user(role="teacher")
    round_ = make_round(teacher, [make_challenge(owner_id=teacher.id, title="Paths")])
    url = f"{live_server.url}/rounds/{round_.id}/clarifications"
    student_email, teacher_email = make_user().email, teacher.email
    db.session.remove()

    page.set_viewport_size(LAPTOP)
    log_in(page, live_server.url, student_email)
    page.goto(url)
    page.select_option("#ask-form select[name=problem_label]", "A")
    page.fill("#ask-form textarea[name=question]", "Can a path <visit> a node twice?")
    page.click("#ask-form button[type=submit]")
    page.locator("p.clar-question", has_text="Can a path <visit> a node twice?").wait_for()
    assert page.locator(".clar-pending").count() == 1

    jury = chromium.new_context(viewport=LAPTOP)
    try:
        judge = jury.new_page()
        log_in(judge, live_server.url, teacher_email)
        judge.goto(url)
        assert "1 waiting (A: 1)" in judge.inner_text("#clar-counts")
        box = judge.locator(".clar-side").bounding_box()
        assert box is not None and box["x"] + box["width"] <= LAPTOP["width"]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        judge.screenshot(path=str(SCREENSHOTS / "clarifications-jury.png"), full_page=True)
        judge.select_option("#answer-form select[name=canned]", "No.")
        judge.click("#answer-form button[type=submit]")
        judge.locator("#clar-counts", has_text="0 waiting").wait_for()
    finally:
        jury.close()

    page.locator("#clar-live", has_text="The jury answered: No.").wait_for()
    page.click("#clar-live a")
    page.locator(".clar-answer", has_text="No.").wait_for()
