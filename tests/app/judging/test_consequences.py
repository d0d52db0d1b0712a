"""The consequence registry: once per judgement, phases, sample runs, failures, many apps."""

from __future__ import annotations

import json
import logging

import pytest
from flask import Flask

from app import create_app, gamification, notifications, scoring, submissions
from app.channels import submission_channel
from app.extensions import db
from app.gamification import boss, handlers
from app.judging import service
from app.judging.consequences import (
    AFTER_COMMIT,
    IN_TRANSACTION,
    Judged,
    Phase,
    consequences_of,
    register,
)
from app.judging.outcome import JudgeOutcome, TestOutcome
from app.judging.queue import job_id
from app.models import Judgement, User
from app.notifications import sources
from app.scoring.live import announce_board, update_board
from app.stores import get_queue, get_redis
from app.submissions import staff
from app.submissions.events import announce
from app.submissions.service import create_submission
from tests.conftest import config_for
from tests.factories import make_challenge, make_submission, make_user
from tests.worker.judge_support import require_sandbox

GOOD = "print(sum(map(int, input().split())))\n"


class Recorder:
    """A handler that keeps what it was given (and whether it ran inside the transaction)."""

    def __init__(self) -> None:
        self.events: list[Judged] = []
        self.verdicts: list[str | None] = []

    def __call__(self, event: Judged) -> None:
        self.events.append(event)
        self.verdicts.append(event.judgement.final_verdict)


def recorder(app: Flask, phase: Phase, *, real_only: bool = False) -> Recorder:
    """A new Recorder registered on app (under a name of its own)."""
    handler = Recorder()
    register(app, phase, handler, real_only=real_only, name=f"recorder {id(handler)}")
    return handler


def outcome(verdict: str = "AC") -> JudgeOutcome:
    tests = [TestOutcome(1, "01", "", verdict, time_ms=5, memory_kb=100)]
    return JudgeOutcome(verdict, 100.0 if verdict == "AC" else 0.0, "", tests, 5, 100)


def judge(judgement_id: int, verdict: str = "AC") -> None:
    assert service.start_attempt(judgement_id, "w1") is not None
    assert service.record_result(judgement_id, outcome(verdict)) is True


def test_both_phases_run_exactly_once_per_judgement(app):
    during, after = recorder(app, IN_TRANSACTION), recorder(app, AFTER_COMMIT)
    submission = create_submission(make_user(), make_challenge(), "python3", GOOD)
    judgement_id = submission.judgements[0].id
    judge(judgement_id)
    assert service.record_result(judgement_id, outcome("WA")) is False  # a repeated run
    assert service.record_failure(judgement_id, "late worker", give_up=True) == "done"
    assert len(during.events) == len(after.events) == 1
    event = after.events[0]
    assert event.judgement.id == judgement_id and event.submission.id == submission.id
    assert (event.previous, event.kind, event.cause, event.counts) == (None, "submit", "judge", True)
    assert event.is_real and during.verdicts == after.verdicts == ["AC"]


def test_the_judge_giving_up_is_a_verdict_too(app):
    after = recorder(app, AFTER_COMMIT)
    judgement_id = create_submission(make_user(), make_challenge(), "python3", GOOD).judgements[0].id
    service.start_attempt(judgement_id, "w1")
    assert service.record_failure(judgement_id, "engine gone", give_up=True) == "failed"
    assert [e.judgement.id for e in after.events] == [judgement_id] and after.verdicts == ["IE"]


def test_sample_runs_never_reach_real_only_handlers(app):
    scoring = recorder(app, IN_TRANSACTION, real_only=True)
    every = recorder(app, AFTER_COMMIT)
    user, challenge = make_user(), make_challenge()
    run = create_submission(user, challenge, "python3", GOOD, kind="samples")
    judge(run.judgements[0].id)
    assert scoring.events == [] and [e.kind for e in every.events] == ["samples"]
    assert not every.events[0].is_real
    real = create_submission(user, challenge, "python3", GOOD)
    judge(real.judgements[0].id)
    assert [e.submission.id for e in scoring.events] == [real.id]


def test_a_failing_after_commit_handler_does_not_stop_the_others(app, caplog):
    def broken(event: Judged) -> None:
        raise RuntimeError("mail server on fire")

    register(app, AFTER_COMMIT, broken)
    after = recorder(app, AFTER_COMMIT)
    submission = create_submission(make_user(), make_challenge(), "python3", GOOD)
    judgement_id = submission.judgements[0].id
    pubsub = get_redis().pubsub()
    pubsub.subscribe(submission_channel(submission.id))
    pubsub.get_message(timeout=1)
    with caplog.at_level(logging.ERROR, logger="app.judging.consequences"):
        judge(judgement_id)
    types = []
    while (message := pubsub.get_message(timeout=1)) is not None:
        types.append(json.loads(message["data"])["type"])
    pubsub.close()
    assert len(after.events) == 1 and types == ["submission.judging", "submission.done"]
    assert "mail server on fire" in caplog.text and "broken" in caplog.text
    db.session.remove()
    assert db.session.get(Judgement, judgement_id).verdict == "AC"  # committed


def test_a_failing_in_transaction_handler_rolls_the_verdict_back(app):
    user = make_user(name="Ada")
    user_id = user.id

    def scoreboard(event: Judged) -> None:
        event.submission.user.name = "changed in the transaction"
        raise RuntimeError("scoreboard row conflict")

    register(app, IN_TRANSACTION, scoreboard)
    after = recorder(app, AFTER_COMMIT)
    judgement_id = create_submission(user, make_challenge(), "python3", GOOD).judgements[0].id
    service.start_attempt(judgement_id, "w1")
    with pytest.raises(RuntimeError, match="scoreboard row conflict"):
        service.record_result(judgement_id, outcome("AC"))
    db.session.remove()
    judgement = db.session.get(Judgement, judgement_id)
    assert (judgement.status, judgement.verdict, judgement.test_results) == ("judging", None, [])
    assert db.session.get(User, user_id).name == "Ada" and after.events == []


@pytest.mark.docker
def test_the_worker_retries_an_attempt_whose_consequence_failed(app, tmp_path):
    require_sandbox()
    from worker import jobs

    app.config["BLOB_CACHE_DIR"] = str(tmp_path / "blobs")
    failures = ["scoreboard row conflict"]

    def scoreboard(event: Judged) -> None:
        if failures:
            raise RuntimeError(failures.pop())

    register(app, IN_TRANSACTION, scoreboard)
    after = recorder(app, AFTER_COMMIT)
    judgement_id = create_submission(make_user(), make_challenge(), "python3", GOOD).judgements[0].id
    get_queue("judge").empty()
    with pytest.raises(RuntimeError, match="scoreboard row conflict"):
        jobs.judge(judgement_id)
    db.session.remove()
    judgement = db.session.get(Judgement, judgement_id)
    assert (judgement.status, judgement.verdict, judgement.attempts) == ("queued", None, 1)
    assert "scoreboard row conflict" in judgement.error and not judgement.test_results
    assert get_queue("judge").job_ids == [job_id(judgement_id, 1)]  # retried as the judge does
    assert after.events == []
    assert jobs.judge(judgement_id) == "AC"
    db.session.remove()
    judgement = db.session.get(Judgement, judgement_id)
    assert (judgement.status, judgement.verdict, judgement.attempts) == ("done", "AC", 2)
    assert [e.judgement.id for e in after.events] == [judgement_id]


def test_rejudge_emits_judged_with_the_judgement_that_counted(app):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    submission = make_submission(make_user(), challenge, status="done", verdict="WA", score=0.0)
    first = submission.judgements[0].id
    after = recorder(app, AFTER_COMMIT)
    again = staff.rejudge_one(teacher, submission.id)
    judge(again.id, "AC")
    (event,) = after.events
    assert (event.cause, event.judgement.id, event.counts) == ("rejudge", again.id, True)
    assert event.previous is not None
    assert (event.previous.judgement_id, event.previous.verdict) == (first, "WA")


def test_a_rejudge_finishing_after_a_newer_one_does_not_count(app):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    submission = make_submission(make_user(), challenge, status="done", verdict="WA")
    older = staff.rejudge_one(teacher, submission.id).id
    newer = staff.rejudge_one(teacher, submission.id).id
    after = recorder(app, AFTER_COMMIT)
    judge(newer, "AC")
    judge(older, "TLE")
    assert [(e.judgement.id, e.counts) for e in after.events] == [(newer, True), (older, False)]
    assert after.events[1].previous.judgement_id == newer  # type: ignore[union-attr]


def test_override_emits_judged_with_the_verdict_it_replaced(app):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    submission = make_submission(make_user(), challenge, status="done", verdict="WA")
    judgement_id = submission.judgements[0].id
    during, after = recorder(app, IN_TRANSACTION), recorder(app, AFTER_COMMIT)
    staff.override_verdict(teacher, submission.id, "AC", "the checker was too strict")
    staff.override_verdict(teacher, submission.id, "", "")  # cleared: the judge's WA again
    assert [e.cause for e in after.events] == ["override", "override"] and len(during.events) == 2
    first, cleared = after.events
    assert first.judgement.id == cleared.judgement.id == judgement_id
    assert first.previous is not None and cleared.previous is not None
    assert (first.previous.judgement_id, first.previous.verdict) == (judgement_id, "WA")
    assert (cleared.previous.verdict, during.verdicts) == ("AC", ["AC", "WA"])


def test_a_failing_in_transaction_handler_refuses_the_override(app):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    submission = make_submission(make_user(), challenge, status="done", verdict="WA")

    def scoreboard(event: Judged) -> None:
        raise RuntimeError("scoreboard row conflict")

    register(app, IN_TRANSACTION, scoreboard)
    judgement_id = submission.judgements[0].id
    with pytest.raises(RuntimeError):
        staff.override_verdict(teacher, submission.id, "AC", "checker bug")
    db.session.remove()
    assert db.session.get(Judgement, judgement_id).override_verdict is None


def test_registries_belong_to_their_app_and_never_stack(app, stack):
    others = [create_app(config_for(stack)) for _ in range(4)]
    for other in others:
        submissions.init_app(other)  # an area initialised twice still registers once
        scoring.init_app(other)
        notifications.init_app(other)
        gamification.init_app(other)
    after = (announce, announce_board, sources.verdict_changed, sources.judge_error,
             handlers.announce_verdict, boss.announce_hits)  # fmt: skip
    during = (update_board, handlers.apply_verdict, boss.apply_hits)
    for each in (app, *others):
        names = [r.name for r in consequences_of(each).registrations(AFTER_COMMIT)]
        assert names == [f"{f.__module__}.{f.__qualname__}" for f in after]
        names = [r.name for r in consequences_of(each).registrations(IN_TRANSACTION)]
        assert names == [f"{f.__module__}.{f.__qualname__}" for f in during]
    recorder(others[0], AFTER_COMMIT)
    assert len(consequences_of(others[0]).registrations(AFTER_COMMIT)) == len(after) + 1
    assert len(consequences_of(app).registrations(AFTER_COMMIT)) == len(after)
    # And a verdict recorded in this app is announced once, whatever the other apps hold.
    submission = create_submission(make_user(), make_challenge(), "python3", GOOD)
    pubsub = get_redis().pubsub()
    pubsub.subscribe(submission_channel(submission.id))
    pubsub.get_message(timeout=1)
    judge(submission.judgements[0].id)
    done = []
    while (message := pubsub.get_message(timeout=1)) is not None:
        if json.loads(message["data"])["type"] == "submission.done":
            done.append(message)
    pubsub.close()
    assert len(done) == 1
