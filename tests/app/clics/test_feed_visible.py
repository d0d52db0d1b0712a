"""A row that becomes visible after tokens were handed out past its own time (a jury's
submission with a past time, a transaction slower than the settle window) still reaches a
client holding one of them, before anything that references it."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.contests import clarifications, notices
from app.extensions import db
from app.models import Clarification, Judgement, Submission, utcnow
from app.submissions.service import create_submission
from tests.app.clics.conftest import GOOD, judge
from tests.app.clics.test_feed import feed
from tests.app.clics.test_writes import files, send


def _resumed_in_order(roles: Any, token: str, submission_id: str) -> list[dict[str, Any]]:
    """The feed after token, checked: it ends as a fresh read does, and the submission comes
    before its judgements."""
    rest = feed(roles, "jury", since_token=token)
    fresh = feed(roles, "jury")
    assert fresh[-len(rest) :] == rest
    kinds = [e["type"] for e in rest if e["id"] == submission_id
             or (e["type"] == "judgements" and e["data"]["submission_id"] == submission_id)]  # fmt: skip
    assert kinds[0] == "submissions" and "judgements" in kinds, kinds
    return rest


def test_a_jury_submission_with_a_past_time_reaches_a_client_holding_a_token(roles, contest):
    round_ = contest["round"]
    token = feed(roles, "jury")[-1]["token"]  # later than the time the jury's submission gives
    at = utcnow() - timedelta(minutes=20)
    body = {"id": "7000", "team_id": str(contest["late"].participant_id), "problem_id": "A",
            "language_id": "python3", "time": f"{at:%Y-%m-%dT%H:%M:%S}.000+00:00",
            "files": files()}  # fmt: skip
    response = send(roles, "jury", "put", f"/contests/{round_.id}/submissions/7000", body)
    assert response.status_code == 201, response.get_json()
    sent = db.session.get_one(Submission, 7000)
    judge(sent, "WA")
    rest = _resumed_in_order(roles, token, "7000")
    submitted = next(e for e in rest if e["type"] == "submissions" and e["id"] == "7000")
    assert submitted["data"]["time"].startswith(f"{at:%Y-%m-%dT%H:%M:%S}")  # its time as sent
    assert [e["data"]["judgement_type_id"] for e in rest if e["type"] == "judgements"][-1] == "WA"


def test_a_result_committed_after_the_settle_window_reaches_a_client_holding_a_token(
    app, roles, contest
):
    app.config.update(CLICS_FEED_SETTLE_SECONDS=2)
    waiting = db.session.scalars(
        select(Judgement).join(Submission).where(Submission.user_id == contest["cy"].id)
    ).one()
    assert waiting.status == "queued"  # left judging by the fixture
    cy_sent = str(waiting.submission_id)
    slow = Session(db.engine)
    try:
        with time_machine.travel(utcnow().replace(tzinfo=UTC), tick=False) as clock:
            # A worker records Cy's verdict at t, and its transaction takes six seconds ...
            judged = slow.get_one(Judgement, waiting.id)
            judged.status, judged.verdict, judged.finished_at = "done", "WA", utcnow()
            # ... while Ada's submission at t+1 commits at once and a client reads at t+3.
            clock.shift(1)
            create_submission(contest["ada"], contest["problems"][0], "python3", GOOD,
                              round_=contest["round"])  # fmt: skip
            clock.shift(2)
            head = feed(roles, "jury")
            assert not [e for e in head if e["type"] == "judgements" and e["data"]["end_time"]
                        and e["data"]["submission_id"] == cy_sent]  # fmt: skip
            clock.shift(3)
            slow.commit()
            clock.shift(5)
            rest = feed(roles, "jury", since_token=head[-1]["token"])
    finally:
        slow.close()
    verdicts = [e["data"]["judgement_type_id"] for e in rest
                if e["type"] == "judgements" and e["data"]["submission_id"] == cy_sent]  # fmt: skip
    assert verdicts == ["WA"]


def test_an_answer_claimed_by_an_update_statement_is_stamped_at_its_commit(contest, monkeypatch):
    asked = db.session.scalars(select(Clarification).where(Clarification.question != "")).first()
    asked.answered_at = None
    db.session.commit()
    told = notices.question_answered

    def slow_notice(*args: Any) -> None:  # the answering transaction takes five seconds
        clock.shift(5)
        told(*args)

    monkeypatch.setattr(notices, "question_answered", slow_notice)
    t = utcnow().replace(microsecond=0)
    with time_machine.travel(t.replace(tzinfo=UTC), tick=False) as clock:
        row = clarifications.answer(contest["teacher"], asked.id, "Still yes.", to_all=True)
    assert row.answered_at == t + timedelta(seconds=5)
