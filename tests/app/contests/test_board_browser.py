"""The scoreboard and the projector in Chromium: a page left open follows the round's start
and freeze by the clock alone, and a board of one language or one section stays that board
when live updates come in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.courses.service import set_section
from app.extensions import db
from app.judging import service
from app.judging.outcome import JudgeOutcome
from app.models import Round, User, utcnow
from app.submissions.service import create_submission
from tests.factories import enroll, make_challenge, make_course, make_round, make_user

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}
GOOD = "print(sum(map(int, input().split())))\n"
WAIT_MS = 20_000


def judged(
    user_id: int, round_id: int, label: str, verdict: str, language: str = "python3"
) -> None:
    round_ = db.session.get(Round, round_id)
    challenge = next(p.challenge for p in round_.problems if p.label == label)
    user = db.session.get(User, user_id)
    submission = create_submission(user, challenge, language, GOOD, round_=round_)
    service.start_attempt(submission.judgements[0].id, "test")
    service.record_result(
        submission.judgements[0].id, JudgeOutcome(verdict, 100.0 if verdict == "AC" else 0.0)
    )
    db.session.remove()


def test_an_open_board_and_projector_start_and_freeze_on_time(app, live_server, chromium):
    now = utcnow()
    round_ = make_round(starts_at=now + timedelta(seconds=6),
                       freeze_at=now + timedelta(seconds=10))  # fmt: skip
    urls = {"projector": f"{live_server.url}/rounds/{round_.id}/projector/{round_.projector_key}",
            "board": f"{live_server.url}/rounds/{round_.id}/board"}  # fmt: skip
    db.session.remove()

    context = chromium.new_context(viewport=LAPTOP)
    try:
        pages = {name: context.new_page() for name in urls}
        for name, page in pages.items():
            page.goto(urls[name])
            page.locator("#scoreboard[data-loaded=true]").wait_for()
            assert page.get_attribute("#scoreboard", "data-state") == "scheduled"
            assert page.locator("[data-testid=freeze-banner]").is_hidden()
        for page in pages.values():  # no event comes: the pages read the board at the start
            page.locator("#scoreboard[data-state=started]").wait_for(timeout=WAIT_MS)
            page.wait_for_function(  # counting down to the end now, not stuck at the start
                "() => document.getElementById('board-clock').textContent.startsWith('01:59')",
                timeout=WAIT_MS,
            )
            assert page.locator("[data-testid=freeze-banner]").is_hidden()
        for page in pages.values():
            page.locator("[data-testid=freeze-banner]").wait_for(state="visible", timeout=WAIT_MS)
            assert page.get_attribute("#scoreboard", "data-state") == "frozen"
    finally:
        context.close()


def rows(page) -> dict[str, dict[str, str]]:
    """The board's rows by name: rank and each problem cell's class."""
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('tbody tr')]
        .map((tr) => [tr.querySelector('.name').textContent, Object.fromEntries([
          ['rank', tr.querySelector('.rank').textContent],
          ...[...tr.querySelectorAll('td[data-label]')].map((td) => [td.dataset.label, td.className]),
        ])]))""")


def footer(page) -> list[str]:
    return page.locator("tfoot td.count").all_inner_texts()


def test_a_language_and_a_section_board_stay_filtered_through_live_updates(
    app, live_server, chromium
):
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    course = make_course(owner=teacher)
    challenges = [make_challenge(owner_id=teacher.id, title=t) for t in ("One", "Two")]
    contest = make_round(teacher, challenges, course_id=course.id)  # public, with sections
    people = {}
    for name, section in (("Ann", "Lab 1"), ("Cat", "Lab 1"), ("Ben", "Lab 2")):
        people[name] = make_user(name=name).id
        enroll(course, db.session.get(User, people[name]))
        set_section(teacher, course.id, people[name], section)
    round_id = contest.id
    db.session.remove()
    judged(people["Ann"], round_id, "A", "AC")
    judged(people["Cat"], round_id, "A", "WA")
    base = f"{live_server.url}/rounds/{round_id}/board"

    context = chromium.new_context(viewport=LAPTOP)
    try:
        language, section = context.new_page(), context.new_page()
        language.goto(f"{base}?language=python3")
        section.goto(f"{base}?group=Lab+1")
        for page in (language, section):
            page.locator("#scoreboard[data-loaded=true][data-mode=live]").wait_for()
            assert set(rows(page)) == {"Ann", "Cat"} and footer(page) == ["1 / 2", "0 / 0"]
        # Ben (another section) solves both in C++, then Cat solves B in Python: the whole
        # board's rows and ranks go out on the socket; neither page may take them as its own.
        judged(people["Ben"], round_id, "A", "AC", "cpp")
        judged(people["Ben"], round_id, "B", "AC", "cpp")
        judged(people["Cat"], round_id, "B", "AC")
        cat_solved_b = "td[data-label=B].solved, td[data-label=B].first"
        for page in (language, section):
            cat = page.locator("tbody tr", has_text="Cat")
            cat.locator(cat_solved_b).wait_for(timeout=WAIT_MS)
        shown = rows(language)
        assert shown["Ben"] == {"rank": "3", "A": "cell empty", "B": "cell empty"}  # no Python
        assert shown["Ann"]["rank"] == "1" and footer(language) == ["1 / 2", "1 / 1"]
        assert set(rows(section)) == {"Ann", "Cat"} and footer(section) == ["1 / 2", "1 / 1"]
        assert rows(section)["Ann"]["rank"] == "1"
    finally:
        context.close()
