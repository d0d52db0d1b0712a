"""Recording judgements (idempotent, one transaction), failures, and requeue_stale on both stacks."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import pytest
import redis
from flask import current_app
from rq.job import Job
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app import stores
from app.channels import submission_channel
from app.extensions import db
from app.judging import service
from app.judging.consequences import IN_TRANSACTION, Judged, register
from app.judging.outcome import JudgeOutcome, TestOutcome
from app.judging.queue import Lease, job_id, lease_key, requeue_stale
from app.live import publish
from app.live.events import BackgroundPublisher
from app.models import ExecutionLog, Judgement, TestResult
from app.stores import get_queue, get_redis
from app.submissions.service import create_submission
from tests.factories import make_challenge, make_user

T = TypeVar("T")
GOOD = "print(sum(map(int, input().split())))\n"


@pytest.fixture
def judgement(app) -> Judgement:
    submission = create_submission(make_user(), make_challenge(), "python3", GOOD)
    # Keep the ids readable after a test starts a fresh session.
    db.session.expunge(submission.judgements[0])
    return submission.judgements[0]


def outcome(*verdicts: str) -> JudgeOutcome:
    tests = [
        TestOutcome(i, f"{i:02d}", "", v, time_ms=10 * i, memory_kb=100 * i, stderr="oops")
        for i, v in enumerate(verdicts, start=1)
    ]
    return JudgeOutcome("AC", 100.0, "compiled fine", tests, 10 * len(tests), 100 * len(tests))


def results_of(judgement_id: int) -> int:
    query = select(func.count()).where(TestResult.judgement_id == judgement_id)
    return db.session.scalar(query)


def test_record_is_idempotent_and_consequences_run_once(app, judgement):
    calls: list[int] = []

    def count(event: Judged) -> None:
        calls.append(event.judgement.id)

    register(app, IN_TRANSACTION, count)
    assert service.start_attempt(judgement.id, "w1") is not None
    assert service.record_result(judgement.id, outcome("AC", "AC")) is True
    assert service.record_result(judgement.id, outcome("AC", "AC", "AC")) is False
    assert service.start_attempt(judgement.id, "w2") is None  # done: a re-run is a no-op
    db.session.remove()
    stored = db.session.get(Judgement, judgement.id)
    assert (stored.status, stored.verdict, stored.score, stored.attempts) == ("done", "AC", 100, 1)
    assert (stored.time_ms, stored.memory_kb) == (20, 200)
    assert results_of(judgement.id) == 2 and calls == [judgement.id]
    log = service.execution_log(judgement.id)
    assert log["compile_output"] == "compiled fine" and log["tests"][0]["stderr"] == "oops"


def test_partial_results_of_a_killed_run_are_replaced(app, judgement):
    service.start_attempt(judgement.id, "w1")
    db.session.add(TestResult(judgement_id=judgement.id, position=1, name="01", verdict="AC"))
    db.session.commit()
    service.record_result(judgement.id, outcome("WA"))
    assert results_of(judgement.id) == 1
    assert db.session.scalar(select(func.count()).select_from(ExecutionLog)) == 1


def test_a_failed_attempt_is_queued_again_until_attempts_run_out(app, judgement):
    app.config["JUDGE_MAX_ATTEMPTS"] = 2
    service.start_attempt(judgement.id, "w1")
    assert service.record_failure(judgement.id, "DockerException: engine gone") == "queued"
    service.start_attempt(judgement.id, "w1")
    assert service.record_failure(judgement.id, "DockerException: engine gone") == "failed"
    db.session.remove()
    stored = db.session.get(Judgement, judgement.id)
    assert (stored.status, stored.verdict, stored.attempts) == ("failed", "IE", 2)
    assert "engine gone" in stored.error


def test_done_event_is_published(app, judgement):
    pubsub = get_redis().pubsub()
    pubsub.subscribe(submission_channel(judgement.submission_id))
    pubsub.get_message(timeout=1)  # the subscribe confirmation
    service.start_attempt(judgement.id, "w1")
    service.record_result(judgement.id, outcome("AC"))
    events = []
    while (message := pubsub.get_message(timeout=1)) is not None:
        events.append(json.loads(message["data"]))
    pubsub.close()
    assert [e["type"] for e in events] == ["submission.judging", "submission.done"]
    assert events[-1]["verdict"] == "AC" and events[-1]["judgement_id"] == judgement.id


def test_background_events_all_go_out_in_order_before_the_next(app):
    channel = "submission:background-order"
    pubsub = get_redis().pubsub()
    pubsub.subscribe(channel)
    pubsub.get_message(timeout=1)
    with BackgroundPublisher() as background:
        for position in range(1, 51):
            background.publish(channel, {"type": "submission.test", "position": position})
    publish(channel, {"type": "submission.done"})  # sent after close: must come last
    events = []
    while (message := pubsub.get_message(timeout=1)) is not None:
        events.append(json.loads(message["data"]))
    pubsub.close()
    assert [e.get("position") for e in events] == [*range(1, 51), None]
    assert events[-1]["type"] == "submission.done"


def test_queued_judgement_with_its_job_is_left_alone(app, judgement):
    report = requeue_stale()
    assert report.live == [judgement.id] and not report.requeued


def test_flushed_redis_is_requeued(app, judgement):
    get_redis().flushdb()
    report = requeue_stale()
    assert report.requeued == [judgement.id]
    assert get_queue("judge").job_ids == [job_id(judgement.id, 0)]
    assert requeue_stale().live == [judgement.id]  # and only once


def test_judging_with_a_live_lease_is_not_requeued(app, judgement):
    lease = Lease(judgement.id, seconds=30)
    assert lease.acquire()
    try:
        service.start_attempt(judgement.id, "w1")
        get_redis().flushdb()
        get_redis().set(lease_key(judgement.id), lease.token)
        assert requeue_stale().live == [judgement.id]
        assert not Lease(judgement.id).acquire()  # a second worker backs off
    finally:
        lease.release()
    assert not get_redis().exists(lease_key(judgement.id))


def test_judging_without_lease_is_requeued_then_fails_after_max_attempts(app, judgement):
    app.config["JUDGE_MAX_ATTEMPTS"] = 2
    service.start_attempt(judgement.id, "w1")  # then the worker is SIGKILLed: no lease
    assert requeue_stale().requeued == [judgement.id]
    job = Job.fetch(job_id(judgement.id, 1), connection=get_redis())
    assert job.args == (judgement.id,)
    db.session.remove()
    assert db.session.get(Judgement, judgement.id).status == "queued"
    service.start_attempt(judgement.id, "w2")  # killed again
    assert requeue_stale().failed == [judgement.id]
    db.session.remove()
    stored = db.session.get(Judgement, judgement.id)
    assert (stored.status, stored.verdict) == ("failed", "IE")
    assert "gave up after 2 attempts" in stored.error and "worker died" in stored.error


def test_submission_survives_a_redis_outage_at_enqueue(app):
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0  # the rate limit itself needs Redis
    user, challenge = make_user(), make_challenge()
    working = app.extensions["redis"]
    app.extensions["redis"] = redis.Redis.from_url("redis://127.0.0.1:1")
    try:
        submission = create_submission(user, challenge, "python3", GOOD)
    finally:
        app.extensions["redis"] = working
    assert submission.judgements[0].status == "queued"
    assert requeue_stale().requeued == [submission.judgements[0].id]
    assert get_queue("judge").count == 1
    assert stores.get_redis(app) is working


def finish_elsewhere(judgement_id: int, attempts: int) -> None:
    """Another worker's attempt, committed on a connection of its own."""
    with db.engine.begin() as connection:
        connection.execute(
            Judgement.__table__.update()
            .where(Judgement.id == judgement_id)
            .values(status="done", verdict="WA", score=0.0, attempts=attempts)
        )


def test_stale_result_is_refused_and_counted(app, judgement):
    started = service.start_attempt(judgement.id, "w1")
    assert started is not None and started.status == "judging"  # this session's copy
    finish_elsewhere(judgement.id, attempts=2)  # the attempt went on without us and finished
    assert service.record_result(judgement.id, outcome("AC"), attempt=1) is False
    db.session.remove()
    stored = db.session.get(Judgement, judgement.id)
    assert (stored.status, stored.verdict, stored.attempts) == ("done", "WA", 2)
    assert results_of(judgement.id) == 0
    assert int(get_redis().get(service.STALE_WRITES_KEY)) == 1


def test_result_of_an_attempt_moved_past_is_refused(app, judgement):
    service.start_attempt(judgement.id, "w1")
    db.session.remove()
    service.start_attempt(judgement.id, "w2")  # requeued after a lapsed lease: attempt 2 runs
    assert service.record_result(judgement.id, outcome("AC"), attempt=1) is False
    assert service.record_failure(judgement.id, "late", attempt=1) == "stale"
    assert service.record_result(judgement.id, outcome("AC"), attempt=2) is True
    assert int(get_redis().get(service.STALE_WRITES_KEY)) == 2



@pytest.mark.parametrize("stack", ["postgres"], indirect=True)  # SQLite takes no row locks
def test_a_frozen_lock_holder_neither_stalls_the_sweep_nor_holds_the_row_for_ever(app, judgement):
    """A process frozen (SIGSTOP, a paused VM) while it held a judgement's row lock: the sweep
    passes the row by instead of waiting, and PostgreSQL ends the frozen holder's session after
    DB_LOCK_IDLE_SECONDS, so a later sweep requeues the judgement."""
    app.config["DB_LOCK_IDLE_SECONDS"] = 2
    service.start_attempt(judgement.id, "w1")  # then that worker dies: no lease
    db.session.remove()
    frozen = Session(bind=db.engine)  # locks the row as judging does, then does nothing
    stores.bound_lock_holding(frozen)
    frozen.execute(select(Judgement.id).where(Judgement.id == judgement.id).with_for_update())
    try:
        first = run_bounded(requeue_stale, 10)
        assert first is not None, "the sweep waited on the frozen holder's row lock"
        assert judgement.id not in first.requeued
        deadline = time.monotonic() + 20
        while judgement.id not in (report := requeue_stale()).requeued:
            assert time.monotonic() < deadline, f"the frozen lock was never freed: {report}"
            time.sleep(0.5)
        with pytest.raises(DBAPIError) as ended:  # the server ended the frozen session
            frozen.execute(select(1))
        assert stores.store_down(ended.value)  # a retry of that transaction would start afresh
    finally:
        frozen.close()


def run_bounded(work: Callable[[], T], seconds: float) -> T | None:
    """work() in the app context on a thread; None if it has not returned within seconds."""
    app = current_app._get_current_object()
    results: list[T] = []

    def run() -> None:
        with app.app_context():
            results.append(work())
            db.session.remove()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    return results[0] if results else None
