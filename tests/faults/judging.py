"""What the fault tests read back about judgements: rows, results, who holds a lease."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.judging.queue import lease_key
from app.models import Judgement, TestResult
from app.stores import get_redis

SUM = "a, b = map(int, input().split())\nprint(a + b)\n"
# Right on small inputs only: WA at the second test, so a wrong verdict can't be an accident.
WRONG_SUM = "a, b = map(int, input().split())\nprint(a + b if a < 2 else a - b)\n"
# Slow enough per test that a fault lands mid-judgement (sleep is wall time, not CPU time).
SLOW_SUM = "import time\ntime.sleep(0.5)\na, b = map(int, input().split())\nprint(a + b)\n"
TESTS = [(f"{i} {i}\n", f"{2 * i}\n") for i in range(1, 7)]
# The metric a refused stale write is counted in (beside judge:stalled-horses, worker/stall.py).
STALE_WRITES_KEY = "judge:stale-writes-refused"


@dataclass(frozen=True)
class Seen:
    """A judgement as the database has it now."""

    status: str
    verdict: str | None
    score: float
    attempts: int
    worker: str
    finished_at: object
    error: str
    results: int
    positions: int  # distinct test positions among the results (duplicates show as results > this)


def seen(judgement_id: int) -> Seen:
    db.session.remove()
    judgement = db.session.get(Judgement, judgement_id)
    assert judgement is not None
    count = select(func.count(), func.count(func.distinct(TestResult.position))).where(
        TestResult.judgement_id == judgement_id
    )
    results, positions = db.session.execute(count).one()
    return Seen(judgement.status, judgement.verdict, judgement.score, judgement.attempts,
                judgement.worker, judgement.finished_at, judgement.error, results,
                positions)  # fmt: skip


def finished(judgement_id: int) -> bool:
    return seen(judgement_id).status in ("done", "failed")


def lease_holder(judgement_id: int) -> int | None:
    """The pid holding the judgement's lease (token host:pid:random), if any."""
    token = get_redis().get(lease_key(judgement_id))
    return int(token.decode().rsplit(":", 2)[-2]) if token else None


def stale_writes_refused() -> int | None:
    """The counter of refused stale writes; None when nothing ever created it."""
    value = get_redis().get(STALE_WRITES_KEY)
    return None if value is None else int(value)


def watch(condition, timeout: float, what: str, *, also=None) -> object:
    """Poll condition() until truthy (calling also() each round); fail naming what was awaited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if also is not None:
            also()
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
