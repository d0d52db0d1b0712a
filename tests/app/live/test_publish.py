"""The one live publish: a lost Redis is logged and counted, never a failed committed action."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from flask import Flask

from app.extensions import db
from app.judging import service
from app.judging.outcome import JudgeOutcome, TestOutcome
from app.live import publish
from app.live.events import BackgroundPublisher, publish_failures
from app.models import Judgement
from tests.conftest import csrf_token
from tests.factories import make_challenge, make_submission, make_user


@contextmanager
def redis_down(app: Flask) -> Iterator[None]:
    """Every use of the app's Redis client fails while the block runs (nothing listens there)."""
    working = app.extensions["redis"]
    app.extensions["redis"] = redis.Redis.from_url("redis://127.0.0.1:1", socket_timeout=1)
    try:
        yield
    finally:
        app.extensions["redis"] = working


def test_a_lost_event_is_logged_and_counted(app, caplog):
    before = publish_failures()
    with redis_down(app), caplog.at_level(logging.WARNING, logger="app.live.events"):
        assert publish("submission:1", {"type": "submission.done"}) == 0
        with BackgroundPublisher() as background:
            background.publish("submission:1", {"type": "submission.test", "position": 1})
    assert publish_failures() == before + 2
    assert caplog.text.count("could not publish") == 2
    assert publish("submission:1", {"type": "submission.done"}) == 0  # Redis back: no failure
    assert publish_failures() == before + 2


def test_an_event_without_a_type_is_a_bug_and_raises(app):
    with pytest.raises(ValueError, match="type"):
        publish("submission:1", {"verdict": "AC"})
    with BackgroundPublisher() as background, pytest.raises(ValueError, match="type"):
        background.publish("submission:1", {"verdict": "AC"})


def test_an_override_commits_and_redirects_while_redis_is_down(app, client, auth):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    submission = make_submission(make_user(), challenge, status="done", verdict="WA")
    judgement_id = submission.judgements[0].id
    auth.login(teacher.email)
    page = f"/submissions/{submission.id}"
    token = csrf_token(client, page)
    before = publish_failures()
    with redis_down(app):
        response = client.post(f"{page}/override",
                               data={"csrf_token": token, "verdict": "AC", "reason": "checker bug"})  # fmt: skip
    assert response.status_code == 302
    # Lost, and nothing raised: the submission's event, the student's bell (verdict changed),
    # and their XP and badge events.
    assert publish_failures() >= before + 2
    db.session.remove()
    assert db.session.get(Judgement, judgement_id).final_verdict == "AC"


def test_a_verdict_is_recorded_while_redis_is_down(app):
    submission = make_submission(make_user(), make_challenge(), status="judging")
    judgement_id = submission.judgements[0].id
    outcome = JudgeOutcome("AC", 100.0, "", [TestOutcome(1, "01", "", "AC")], 5, 100)
    with redis_down(app):
        assert service.record_result(judgement_id, outcome) is True
    db.session.remove()
    assert db.session.get(Judgement, judgement_id).verdict == "AC"
