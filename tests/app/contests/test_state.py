"""Unfreeze and finalize: staff only, finalize refused before the end or while unjudged."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.contests import state
from app.errors import Conflict, Forbidden
from app.extensions import db
from app.models import Judgement, utcnow
from tests.factories import make_round, make_submission, make_user


def test_finalize_waits_for_the_end_and_every_verdict(app):
    teacher = make_user(role="teacher")
    past = utcnow() - timedelta(hours=3)
    contest = make_round(teacher, starts_at=past, ends_at=past + timedelta(hours=2))
    challenge = contest.problems[0].challenge
    submission = make_submission(make_user(), challenge, status="judging")
    submission.round_id = contest.id
    db.session.commit()
    with pytest.raises(Forbidden):
        state.finalize(make_user(), contest)
    with pytest.raises(Conflict, match="1 submission is still being judged"):
        state.finalize(teacher, contest)
    with pytest.raises(Conflict, match="has not ended"):
        state.finalize(teacher, contest, now=past + timedelta(minutes=30))
    judgement = db.session.get(Judgement, submission.judgements[0].id)
    judgement.status, judgement.verdict = "done", "AC"
    db.session.commit()
    assert state.finalize(teacher, contest).finalized_at is not None
    assert contest.state_at(utcnow()) == "finalized"


def test_thaw_needs_a_freeze_that_has_begun(app):
    teacher = make_user(role="teacher")
    start = utcnow() - timedelta(minutes=30)
    no_freeze = make_round(teacher, starts_at=start)
    with pytest.raises(Conflict, match="no freeze"):
        state.thaw(teacher, no_freeze)
    frozen = make_round(teacher, starts_at=start, freeze_at=start + timedelta(minutes=10))
    early = make_round(teacher, starts_at=start, freeze_at=start + timedelta(hours=1))
    with pytest.raises(Conflict, match="not frozen yet"):
        state.thaw(teacher, early)
    assert frozen.is_frozen_at(utcnow())
    state.thaw(None, frozen)  # the CLI
    assert not frozen.is_frozen_at(utcnow()) and frozen.state_at(utcnow()) == "thawed"
