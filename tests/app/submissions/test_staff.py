"""rejudge_round: every real submission of a round (or of one of its problems) gets a new
queued judgement, nothing else does, and only the round's staff may ask."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import Forbidden, NotFound, ValidationError
from app.extensions import db
from app.judging.queue import job_id
from app.models import Judgement
from app.stores import get_queue
from app.submissions.service import create_submission
from app.submissions.staff import rejudge_round
from tests.conftest import AuthActions, submit
from tests.factories import make_challenge, make_round, make_user

GOOD = "print(sum(map(int, input().split())))\n"


@pytest.fixture
def rounds(app):
    """A round on two problems with three submissions (and a samples run), and another round
    on the same first problem with one submission of its own."""
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    apples, bananas = (make_challenge(owner_id=teacher.id, title=t) for t in ("Apples", "Bananas"))
    cup, other = make_round(teacher, [apples, bananas]), make_round(teacher, [apples])
    ada, bob = make_user(), make_user()
    sent = {
        "ada A": create_submission(ada, apples, "python3", GOOD, round_=cup),
        "bob A": create_submission(bob, apples, "python3", GOOD, round_=cup),
        "bob B": create_submission(bob, bananas, "python3", GOOD, round_=cup),
        "other": create_submission(ada, apples, "python3", GOOD, round_=other),
    }
    samples = create_submission(ada, apples, "python3", GOOD, kind="samples", round_=cup)
    return {"teacher": teacher, "cup": cup, "sent": sent, "samples": samples, "ada": ada}


def judgements(submission) -> list[int]:
    return list(db.session.scalars(select(Judgement.id).where(
        Judgement.submission_id == submission.id).order_by(Judgement.id)))  # fmt: skip


def test_a_whole_round_is_rejudged_and_nothing_else(rounds):
    queued = get_queue("judge").count
    assert rejudge_round(rounds["teacher"], rounds["cup"].id) == 3
    sent = rounds["sent"]
    for name in ("ada A", "bob A", "bob B"):
        first, again = judgements(sent[name])
        assert again > first and db.session.get(Judgement, again).status == "queued"
        assert job_id(again, 0) in get_queue("judge").job_ids
    assert len(judgements(sent["other"])) == len(judgements(rounds["samples"])) == 1
    assert get_queue("judge").count == queued + 3


def test_one_problem_of_a_round_is_rejudged(rounds):
    assert rejudge_round(rounds["teacher"], rounds["cup"].id, "B") == 1
    assert [len(judgements(s)) for s in rounds["sent"].values()] == [1, 1, 2, 1]


def test_an_unknown_problem_and_a_stranger_are_refused_and_nothing_is_queued(rounds):
    queued = get_queue("judge").count
    with pytest.raises(ValidationError, match="no problem Z"):
        rejudge_round(rounds["teacher"], rounds["cup"].id, "Z")
    with pytest.raises(Forbidden):
        rejudge_round(rounds["ada"], rounds["cup"].id)  # a participant
    with pytest.raises(Forbidden):
        rejudge_round(make_user(role="teacher"), rounds["cup"].id)  # another teacher
    with pytest.raises(NotFound):
        rejudge_round(rounds["teacher"], 10_000)
    assert get_queue("judge").count == queued
    assert all(len(judgements(s)) == 1 for s in rounds["sent"].values())


def test_the_monitor_form_rejudges_and_says_how_many(client, rounds):
    AuthActions(client).login(rounds["teacher"].email)
    monitor = f"/rounds/{rounds['cup'].id}/monitor"
    response = submit(client, f"/rounds/{rounds['cup'].id}/rejudge", {"label": "A"}, page=monitor,
                      follow_redirects=True)  # fmt: skip
    assert response.request.path == monitor and "Rejudging 2 submissions." in response.text
    assert [len(judgements(s)) for s in rounds["sent"].values()] == [2, 2, 1, 1]
