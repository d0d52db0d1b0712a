"""The host's monitor in Chromium: its queue and tables refresh in place (no page reload), and
an extension being typed survives the refresh until it is set."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.contests import participation
from app.extensions import db
from app.models import Participant
from app.submissions.service import create_submission
from tests.app.submissions.browser import log_in
from tests.factories import make_challenge, make_round, make_user

pytestmark = pytest.mark.browser
GOOD = "a, b = map(int, input().split())\nprint(a + b)\n"


def test_the_monitor_refreshes_its_tables_but_not_an_extension_being_typed(app, live_server, page):
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id, title="Apples")
    quiz = make_round(teacher, [challenge], mode="timed", duration_minutes=30)
    ada, bob = make_user(name="Ada"), make_user(name="Bob")
    participation.start(ada, quiz)
    create_submission(ada, challenge, "python3", GOOD, round_=quiz)
    base, round_id, email = live_server.url, quiz.id, teacher.email
    db.session.remove()
    log_in(page, base, email)
    page.clock.install()
    page.goto(f"{base}/rounds/{round_id}/monitor")
    field = page.locator("#participants tr", has_text="Ada").locator("input[name=minutes]")
    field.fill("45")  # focused, not yet set
    quiz, bob, challenge = (db.session.merge(x) for x in (quiz, bob, challenge))
    participation.start(bob, quiz)  # meanwhile: a new participant and a new submission
    create_submission(bob, challenge, "python3", GOOD, round_=quiz)
    db.session.remove()
    page.clock.run_for(21_000)
    page.locator("#monitor[data-refreshed='1']").wait_for()
    assert page.locator("#recent tbody tr").count() == 2
    assert page.locator("#participants tbody tr").count() == 2
    assert page.inner_text("[data-refresh=participant-count]") == "2"
    assert field.input_value() == "45" and field.evaluate("el => el === document.activeElement")
    page.click("h1")  # away from the field: its value is still unsaved, so the row stays
    page.clock.run_for(21_000)
    page.locator("#monitor[data-refreshed='2']").wait_for()
    assert field.input_value() == "45"
    page.locator("#participants tr", has_text="Ada").locator("button").click()
    page.wait_for_load_state()
    db.session.remove()
    saved = select(Participant.extra_minutes).where(Participant.round_id == round_id,
                                                    Participant.name == "Ada")  # fmt: skip
    assert db.session.scalar(saved) == 45
