"""A CLICS contest on real stores: three teams in two course sections, two problems, a freeze
30 minutes ago, results on both sides of it, clarifications; and clients for every role."""

from __future__ import annotations

import base64
from datetime import UTC, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from app.auth.service import create_token
from app.contests import clarifications
from app.courses.service import set_section
from app.judging import service
from app.judging.outcome import JudgeOutcome, TestOutcome
from app.models import Submission, utcnow
from app.submissions.service import create_submission
from tests.factories import PASSWORD, enroll, make_challenge, make_course, make_round, make_user

GOOD = "print(sum(map(int, input().split())))\n"


def judge(submission: Submission, verdict: str) -> None:
    """Record a verdict through the real recording path, with one run per test."""
    judgement = submission.judgements[-1]
    service.start_attempt(judgement.id, "test-worker")
    tests = [TestOutcome(1, "01", "", "AC", time_ms=12), TestOutcome(2, "02", "", verdict, time_ms=34)]
    service.record_result(judgement.id, JudgeOutcome(verdict, 100.0 if verdict == "AC" else 0.0,
                                                     tests=[] if verdict == "CE" else tests))  # fmt: skip


def basic(email: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{email}:{secret}".encode()).decode()}


@pytest.fixture
def contest(app: Flask) -> dict[str, Any]:
    """Before the freeze: Ada solves A; Bob fails A, then a CE on B; Cy's A is still judging.
    After it: Bob solves B and Ada fails B (the hidden results)."""
    app.config.update(SUBMISSION_RATE_PER_MINUTE=0, CLICS_FEED_SETTLE_SECONDS=0)
    teacher = make_user(role="teacher", name="Teacher")
    course = make_course(teacher)
    problems = [make_challenge(owner_id=teacher.id, title=t, tests=[("1 2\n", "3\n"), ("2 2\n", "4\n")])
                for t in ("Apples", "Bananas")]  # fmt: skip
    ada, bob, cy = (make_user(name=n) for n in ("Ada", "Bob", "Cy"))
    for user, section in ((ada, "north"), (bob, "north"), (cy, "South Wing")):
        enroll(course, user)
        set_section(teacher, course.id, user.id, section)
    now = utcnow().replace(microsecond=0)
    start = now - timedelta(hours=2)
    with time_machine.travel((start - timedelta(hours=1)).replace(tzinfo=UTC), tick=False):
        round_ = make_round(teacher, problems, starts_at=start, ends_at=now + timedelta(hours=1),
                            freeze_at=now - timedelta(minutes=30), course_id=course.id)  # fmt: skip
    early = (now - timedelta(hours=1)).replace(tzinfo=UTC)
    with time_machine.travel(early, tick=False):
        judge(create_submission(ada, problems[0], "python3", GOOD, round_=round_), "AC")
        judge(create_submission(bob, problems[0], "python3", GOOD, round_=round_), "WA")
        create_submission(cy, problems[0], "python3", GOOD, round_=round_)  # left judging
        judge(create_submission(bob, problems[1], "c", "int main(){}", round_=round_), "CE")
        question = clarifications.ask(ada, round_, "A", "Is N positive?")
        clarifications.answer(teacher, question.id, "Yes.", to_all=False)
        clarifications.announce(teacher, round_, "Welcome!")
    with time_machine.travel((now - timedelta(minutes=10)).replace(tzinfo=UTC), tick=False):
        late = create_submission(bob, problems[1], "python3", GOOD, round_=round_)
        judge(late, "AC")
        ada_late = create_submission(ada, problems[1], "python3", GOOD, round_=round_)
        judge(ada_late, "WA")
    return {"round": round_, "teacher": teacher, "ada": ada, "bob": bob, "cy": cy,
            "late": late, "ada_late": ada_late, "course": course, "problems": problems}  # fmt: skip


@pytest.fixture
def as_role(app: Flask, contest: dict[str, Any]) -> dict[str, tuple[FlaskClient, dict[str, str]]]:
    """A client and the headers of each role: the public (nobody), a team by HTTP basic auth
    with a password, a team by a bearer token, the jury by basic auth with a token."""
    jury_token = create_token(contest["teacher"])
    return {
        "public": (app.test_client(), {}),
        "team": (app.test_client(), basic(contest["ada"].email, PASSWORD)),
        "other team": (app.test_client(), {"Authorization": f"Bearer {create_token(contest['bob'])}"}),
        "jury": (app.test_client(), basic(contest["teacher"].email, jury_token)),
    }


@pytest.fixture
def roles(as_role: dict[str, Any], contest: dict[str, Any]) -> dict[str, Any]:
    """as_role, with the contest id under "cid" (the feed tests' clients)."""
    return {**as_role, "cid": contest["round"].id}
