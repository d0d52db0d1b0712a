"""Recording judgements: start of an attempt, the result in one idempotent transaction, failure."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import redis
from flask import current_app
from sqlalchemy import delete, insert, select

from app.channels import submission_channel
from app.extensions import db
from app.judging.events import publish
from app.judging.outcome import JudgeOutcome
from app.models import ExecutionLog, Judgement, TestResult, utcnow
from app.stores import get_mongo, get_redis

log = logging.getLogger(__name__)

# Consequences of a newly finished judgement. IN_TRANSACTION hooks run inside the recording
# transaction (scoreboard rows, XP, badges, streaks: all or nothing with the verdict);
# AFTER_COMMIT hooks run once it is committed (their own live events, notifications).
# Each runs exactly once per judgement, never on a repeated run of a finished one.
IN_TRANSACTION: list[Callable[[Judgement], None]] = []
AFTER_COMMIT: list[Callable[[Judgement], None]] = []

MESSAGE_LIMIT = 2000
# Counts late writes refused: a result (or failure) of an attempt the judgement has moved past.
STALE_WRITES_KEY = "judge:stale-writes-refused"


def _locked(judgement_id: int) -> Judgement | None:
    """The judgement's row, locked and read afresh: the copy this session loaded when the
    attempt started may be long out of date (another worker may have finished it since)."""
    return db.session.get(Judgement, judgement_id, with_for_update=True, populate_existing=True)


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
    judgement = _locked(judgement_id)
    if judgement is None or judgement.is_finished:
        db.session.rollback()
        return None
    judgement.status = "judging"
    judgement.attempts += 1
    judgement.worker = worker[:120]
    judgement.started_at = utcnow()
    db.session.commit()
    publish(
        submission_channel(judgement.submission_id),
        {"type": "submission.judging", "judgement_id": judgement.id, "attempt": judgement.attempts},
    )
    return judgement


def record_result(judgement_id: int, outcome: JudgeOutcome, attempt: int | None = None) -> bool:
    """Store a finished judgement, replacing any earlier partial run; False (refused, counted)
    if it is already finished or, given the attempt that judged it, has moved past it."""
    judgement = _locked(judgement_id)
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
    for hook in IN_TRANSACTION:
        hook(judgement)
    db.session.commit()
    _finished(judgement)
    return True


def record_failure(
    judgement_id: int, error: str, *, give_up: bool = False, attempt: int | None = None
) -> str:
    """Note a failed attempt: back to `queued`, or `failed`/IE once attempts run out (a failure
    of an attempt the judgement has moved past is refused and counted)."""
    judgement = _locked(judgement_id)
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
        for hook in IN_TRANSACTION:
            hook(judgement)
        db.session.commit()
        log.error(
            "judgement %s failed after %s attempts: %s", judgement.id, judgement.attempts, error
        )
        _finished(judgement)
        return "failed"
    judgement.status = "queued"
    db.session.commit()
    return "queued"


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


def _finished(judgement: Judgement) -> None:
    publish(
        submission_channel(judgement.submission_id),
        {
            "type": "submission.done",
            "submission_id": judgement.submission_id,
            "judgement_id": judgement.id,
            "status": judgement.status,
            "verdict": judgement.verdict,
            "score": judgement.score,
            "time_ms": judgement.time_ms,
            "memory_kb": judgement.memory_kb,
        },
    )
    for hook in AFTER_COMMIT:
        try:
            hook(judgement)
        except Exception:  # one broken consequence must not hide the others
            log.exception("after-commit hook %r failed for judgement %s", hook, judgement.id)
