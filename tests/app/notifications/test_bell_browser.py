"""The bell in Chromium: a student's unread count goes up live (over /ws/me) when a teacher
answers their clarification; the dropdown opens it and marks it read; and the mail of the
answer reaches the loopback SMTP server with its one-click unsubscribe headers."""

from __future__ import annotations

import pytest

from app.contests import clarifications
from app.extensions import db
from app.models import User
from tests.app.notifications.conftest import run_mail_queue
from tests.app.submissions.browser import log_in
from tests.factories import make_challenge, make_round, make_user
from tests.live import SCREENSHOTS

pytestmark = pytest.mark.browser


def test_the_bell_counts_up_live_when_the_jury_answers(mail_app, smtp, live_server, page):
    teacher = make_user(role="teacher")
    round_ = make_round(teacher, [make_challenge(owner_id=teacher.id, title="Paths")],
                        name="Spring Cup")  # fmt: skip
    student = make_user(email="sam@example.org")
    question = clarifications.ask(student, round_, "A", "May a path visit a node twice?")
    question_id, teacher_id, round_id = question.id, teacher.id, round_.id
    db.session.remove()

    log_in(page, live_server.url, "sam@example.org")
    with page.expect_response(lambda response: "/notifications/latest.json" in response.url):
        page.goto(f"{live_server.url}/dashboard")  # the socket is open once the bell re-read
    assert page.locator("#bell-count").is_hidden()

    clarifications.answer(db.session.get_one(User, teacher_id), question_id, "No.", to_all=False)
    page.locator("#bell-count", has_text="1").wait_for()
    assert page.get_attribute("#bell", "aria-label") == "Notifications (1 unread)"

    page.click("#bell")
    entry = page.locator(
        "#bell-menu .bell-item", has_text="The jury answered your question in Spring Cup"
    )
    entry.wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "bell-dropdown.png"))
    entry.click()
    page.wait_for_url(f"**/rounds/{round_id}/clarifications")
    page.locator(".clar-answer", has_text="No.").wait_for()
    assert page.locator("#bell-count").is_hidden()  # opened: read

    run_mail_queue()
    [mail] = smtp.to("sam@example.org")
    assert mail.header("Subject") == "The jury answered your question in Spring Cup"
    assert mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert mail.header("List-Unsubscribe").startswith("<http")
    assert "/notifications/unsubscribe/" in mail.header("List-Unsubscribe")
    assert "No." in mail.part("plain") and f"/rounds/{round_id}/clarifications" in mail.part("html")
