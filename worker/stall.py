"""Stall watch: a work horse that makes no progress on its job is killed and the job retried.

Progress is what the horse shows in Redis. A judge job's horse takes its judgement's lease
and renews it every third of its life (app.judging.queue.Lease), so a lease held by the
horse means it judged within the last lease time. Any other job shows it started (RQ's
STARTED status, set by the horse). A horse that shows neither for JUDGE_STALL_SECONDS
(one stuck before its job, as a spare once was in issue 15, or one whose judging froze)
is killed; the worker logs why and retries the job.
"""

from __future__ import annotations

import logging
import time
from typing import cast

import redis
from rq.job import Job, JobStatus

from app.judging.queue import JOB_FUNCTION, lease_key

log = logging.getLogger("codedev.worker")
STALLS_KEY = "judge:stalled-horses"  # a metric; each judge job's stall is also in SQL


class HorseWatch:
    """Whether one horse is getting on with one job."""

    def __init__(self, connection: redis.Redis, job: Job, horse_pid: int, limit_s: float) -> None:
        self._redis = connection
        self._job = job
        self._pid = horse_pid
        self._limit_s = limit_s
        self._since = time.monotonic()  # the last progress seen (the hand-over, at first)
        self._leased = False  # the horse took its judgement's lease at least once
        is_judge = job.func_name == JOB_FUNCTION and bool(job.args)
        self.judgement_id: int | None = int(job.args[0]) if is_judge else None

    def stalled(self) -> str | None:
        """Why the horse counts as stalled, or None while it shows progress (or hasn't yet
        had the limit's time to)."""
        try:
            progressing = self._progressing()
        except redis.RedisError:  # Redis down is no sign of the horse: judge it later
            return None
        now = time.monotonic()
        if progressing:
            self._since = now
            return None
        idle = now - self._since
        if idle < self._limit_s:
            return None
        if self.judgement_id is None:
            return f"horse {self._pid} did not start job {self._job.id} in {idle:.0f} s"
        if self._leased:
            return f"horse {self._pid} stopped renewing judgement {self.judgement_id}'s lease {idle:.0f} s ago"
        return (
            f"horse {self._pid} did not take judgement {self.judgement_id}'s lease in {idle:.0f} s"
        )

    def _progressing(self) -> bool:
        if self.judgement_id is None:
            return self._job.get_status(refresh=True) == JobStatus.STARTED
        token = cast(bytes | None, self._redis.get(lease_key(self.judgement_id)))
        # The lease token is host:pid:random (app.judging.queue.Lease).
        if token is not None and token.decode().rsplit(":", 2)[-2] == str(self._pid):
            self._leased = True
            return True
        return False


def count_stall(connection: redis.Redis) -> None:
    """Count one killed horse (best effort: the log line and the SQL row are the record)."""
    try:
        connection.incr(STALLS_KEY)
    except redis.RedisError:
        log.warning("could not count a stalled horse", exc_info=True)
