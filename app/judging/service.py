"""Recording judgements: start of an attempt, the result in one idempotent transaction, failure."""

from __future__ import annotations

import logging
from typing import Any

import redis
from flask import current_app
from sqlalchemy import delete, insert, select

from app.channels import submission_channel
from app.extensions import db
from app.judging import events
from app.judging.consequences import commit_judged, verdict_event
from app.judging.outcome import JudgeOutcome
from app.live import publish
from app.models import ExecutionLog, Judgement, Submission, TestResult, utcnow
from app.stores import bound_lock_holding, get_mongo, get_redis

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 2000
# Counts late writes refused: a result (or failure) of an attempt the judgement has moved past.
STALE_WRITES_KEY = "judge:stale-writes-refused"


def _stale(judgement: Judgement, attempt: int | None) -> bool:
    """Whether a write of this attempt comes too late (fenced by the attempt number)."""
    return judgement.is_finished or (attempt is not None and attempt != judgement.attempts)


def _refuse_stale(judgement: Judgement, attempt: int | None, what: str) -> None:
    """Drop a stale attempt's write: logged and counted, never applied."""
    state = (judgement.id, judgement.status, judgement.attempts)
    db.session.rollback()
    log.warning("stale %s refused: judgement %s is %s at attempt %s; this was attempt %s",
                what, *state, attempt if attempt is not None else "?")  # fmt: skip
    try:
        get_redis().incr(STALE_WRITES_KEY)
    except redis.RedisError:  # the log line is the record; the counter is a metric
        log.warning("could not count a refused stale write", exc_info=True)


def start_attempt(judgement_id: int, worker: str) -> Judgement | None:
    """Mark a judgement `judging` (one more attempt); None when it is finished or gone."""
    # Only its own row: starting an attempt writes no verdict, so it need not wait for the
    # submission's other verdicts (one lock, and one query, fewer on every judgement's clock).
    bound_lock_holding()
    judgement = db.session.get(
        Judgement, judgement_id, with_for_update=True, populate_existing=True
    )
    if judgement is None or judgement.is_finished:
        db.session.rollback()
        return None
    judgement.status = "judging"
    judgement.attempts += 1
    judgement.worker = worker[:120]
    judgement.started_at = utcnow()
    db.session.commit()
    publish(submission_channel(judgement.submission_id), events.judging_started(judgement))
    return judgement


def record_result(judgement_id: int, outcome: JudgeOutcome, attempt: int | None = None) -> bool:
    """Store a finished judgement, replacing any earlier partial run; False (refused, counted)
    if it is already finished or, given the attempt that judged it, has moved past it.

    Its consequences run once (a Judged event): a failing in-transaction one rolls it all back
    and raises, so the worker retries the attempt."""
    judgement = _lock(judgement_id)
    if judgement is None:
        db.session.rollback()
        return False
    if _stale(judgement, attempt):
        _refuse_stale(judgement, attempt, "result")
        return False
    db.session.execute(delete(TestResult).where(TestResult.judgement_id == judgement.id))
    db.session.expire(judgement, ["test_results"])
    if outcome.tests:  # one bulk INSERT: no unit of work for each row
        rows = [
            {
                "judgement_id": judgement.id,
                "test_case_id": test.test_case_id,
                "position": test.position,
                "name": test.name[:120],
                "group": test.group[:80],
                "verdict": test.verdict,
                "time_ms": test.time_ms,
                "memory_kb": test.memory_kb,
                "message": test.message[:MESSAGE_LIMIT],
                "score": test.score,
            }
            for test in outcome.tests
        ]
        db.session.execute(insert(TestResult), rows)
    judgement.status = "done"
    judgement.verdict = outcome.verdict
    judgement.score = outcome.score
    judgement.time_ms = outcome.time_ms
    judgement.memory_kb = outcome.memory_kb
    judgement.compile_output = outcome.compile_output
    judgement.error = ""
    judgement.finished_at = utcnow()
    _store_execution_log(judgement, outcome)
    commit_judged(verdict_event(judgement))
    return True


def record_failure(
    judgement_id: int, error: str, *, give_up: bool = False, attempt: int | None = None
) -> str:
    """Note a failed attempt: back to `queued`, or `failed`/IE once attempts run out (a verdict:
    its consequences run; if one fails the judgement stays unfinished for requeue_stale). A
    failure of an attempt the judgement has moved past is refused and counted."""
    judgement = _lock(judgement_id)
    if judgement is None or judgement.is_finished:
        db.session.rollback()
        return judgement.status if judgement else "missing"
    if attempt is not None and attempt != judgement.attempts:
        _refuse_stale(judgement, attempt, "failure")
        return "stale"  # not "queued": the caller must not enqueue the judgement again
    judgement.error = error[-MESSAGE_LIMIT:]
    if give_up or judgement.attempts >= current_app.config["JUDGE_MAX_ATTEMPTS"]:
        judgement.status = "failed"
        judgement.verdict = "IE"
        judgement.score = 0.0
        judgement.finished_at = utcnow()
        commit_judged(verdict_event(judgement))
        log.error(
            "judgement %s failed after %s attempts: %s", judgement.id, judgement.attempts, error
        )
        return "failed"
    judgement.status = "queued"
    db.session.commit()
    return "queued"


def _lock(judgement_id: int) -> Judgement | None:
    """The judgement, locked with its submission (the submission first, as an override does):
    two verdicts of one submission are recorded one after the other, each seeing the other."""
    bound_lock_holding()
    submission = db.session.scalar(
        select(Submission)
        .join(Judgement, Judgement.submission_id == Submission.id)
        .where(Judgement.id == judgement_id)
        .with_for_update(of=Submission)
    )
    if submission is None:
        return None
    # Read afresh under the lock: the copy this session loaded when the attempt started may be
    # long out of date (another worker may have finished it since).
    return db.session.get(Judgement, judgement_id, with_for_update=True, populate_existing=True)


def execution_log(judgement_id: int) -> dict[str, Any] | None:
    """The detailed execution log of a judgement, from MongoDB or SQL."""
    mongo = get_mongo()
    if mongo is not None:
        document = _mongo_collection(mongo).find_one({"judgement_id": judgement_id})
        return document["data"] if document else None
    row = db.session.scalar(select(ExecutionLog).where(ExecutionLog.judgement_id == judgement_id))
    return row.data if row else None


def _store_execution_log(judgement: Judgement, outcome: JudgeOutcome) -> None:
    data = outcome.execution_log()
    mongo = get_mongo()
    if mongo is not None:
        # Replaced before the SQL commit: a failed commit leaves a log the retry overwrites.
        _mongo_collection(mongo).replace_one(
            {"judgement_id": judgement.id},
            {
                "judgement_id": judgement.id,
                "submission_id": judgement.submission_id,
                "data": data,
                "created_at": utcnow(),
            },
            upsert=True,
        )
        return
    # Replaced whole, as the test results are: a retry's log supersedes the earlier attempt's.
    db.session.execute(delete(ExecutionLog).where(ExecutionLog.judgement_id == judgement.id))
    db.session.execute(insert(ExecutionLog), [{"judgement_id": judgement.id, "data": data}])


def _mongo_collection(mongo: Any) -> Any:
    return mongo.get_default_database(default="codedev")["execution_logs"]
