"""The judge queue: enqueueing judgements, per-judgement leases and putting stale ones back."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import redis
from flask import current_app
from rq import Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import func, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.judging import runner, service
from app.models import Challenge, Judgement, TestCase, utcnow
from app.stores import bound_lock_holding, get_queue, get_redis, retry_transaction

log = logging.getLogger(__name__)

JOB_FUNCTION = "worker.jobs.judge"
DEFAULT_LEASE_SECONDS = 30
SWEEP_LOCK_SECONDS = 20  # a sweep takes well under a second; a dead sweeper frees it soon
_PENDING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
# Refresh only while we still hold the lease; release only our own.
_REFRESH = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


def job_id(judgement_id: int, attempts: int) -> str:
    """One RQ job id per judgement and attempt, so a judgement is never queued twice."""
    return f"judge-{judgement_id}-{attempts}"


def lease_key(judgement_id: int) -> str:
    return f"judge:lease:{judgement_id}"


def lease_seconds() -> int:
    return int(current_app.config.get("JUDGE_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


def enqueue_judgement(judgement: Judgement, *, at_front: bool = False) -> bool:
    """Put a committed `queued` judgement on the judge queue; False (logged) if Redis is down.

    The row is the outbox: a judgement that could not be enqueued stays `queued` with no
    enqueued_at in SQL, where requeue_stale finds it and sends it once Redis is back.
    """
    try:
        # After the caller's commit these reads may go to the database again, which may just
        # have gone away: the committed row is then the outbox, never an error for the request.
        judgement_id, attempts = judgement.id, judgement.attempts
        challenge_id = judgement.submission.challenge_id
    except SQLAlchemyError:
        db.session.rollback()
        log.warning(
            "could not read judgement %s to enqueue it; requeue_stale will",
            sa_inspect(judgement).identity,
            exc_info=True,
        )
        return False
    try:
        timeout = _job_timeout(challenge_id)
    except SQLAlchemyError:  # on a connection of its own: the caller's objects stay loaded
        log.warning("could not read judgement %s's limits; requeue_stale will", judgement_id,
                    exc_info=True)  # fmt: skip
        return False
    try:
        get_queue("judge").enqueue(
            JOB_FUNCTION,
            judgement_id,
            job_id=job_id(judgement_id, attempts),
            job_timeout=timeout,
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
            at_front=at_front,
        )
    except redis.RedisError:
        log.warning(
            "could not enqueue judgement %s; requeue_stale will", judgement.id, exc_info=True
        )
        return False
    _mark_enqueued(judgement)
    return True


def _job_timeout(challenge_id: int) -> int:
    """Seconds RQ gives the job: every test at its wall limit, and then some. Read on a
    connection of its own, so that a database gone away after the caller's commit costs no
    rollback of the caller's session, which would expire the objects its answer is built from
    (a committed submission answered with a 503, and sent again)."""
    tests = select(func.count(TestCase.id)).where(TestCase.challenge_id == Challenge.id)
    with db.engine.connect() as connection:
        row = connection.execute(
            select(Challenge.time_limit_ms, tests.scalar_subquery()).where(
                Challenge.id == challenge_id
            )
        ).first()
    limit_ms, count = (row[0], row[1]) if row is not None else (2000, 1)
    wall_s = (2 * limit_ms + 1000) / 1000
    return int(300 + 1.5 * count * wall_s)


def _mark_enqueued(judgement: Judgement) -> None:
    """Note in the outbox row that its job is on the queue (the job is already there), on a
    connection of its own: the caller's session and the objects it holds stay as they are."""
    now = utcnow()

    def mark() -> None:
        with db.engine.begin() as connection:
            connection.execute(
                update(Judgement).where(Judgement.id == judgement.id).values(enqueued_at=now)
            )

    try:
        retry_transaction(mark)
    except SQLAlchemyError:  # the job is queued all the same; the sweep sees it pending
        log.warning("could not mark judgement %s enqueued", judgement.id, exc_info=True)
        return
    set_committed_value(judgement, "enqueued_at", now)


class Lease:
    """A judgement's heartbeat key: held while a live worker judges it, refreshed by a thread."""

    def __init__(self, judgement_id: int, seconds: int | None = None) -> None:
        self.key = lease_key(judgement_id)
        # Who holds it, for operators (and tests that kill that process): host:pid:random.
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        self.ttl_ms = 1000 * (seconds or lease_seconds())
        self._redis = get_redis()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def acquire(self) -> bool:
        """Take the lease unless another live worker holds it; start refreshing it."""
        if not self._redis.set(self.key, self.token, nx=True, px=self.ttl_ms):
            return False
        self._thread = threading.Thread(target=self._refresh, name=f"lease {self.key}", daemon=True)
        self._thread.start()
        return True

    def _refresh(self) -> None:
        while not self._stop.wait(self.ttl_ms / 3000):
            try:
                if not self._redis.eval(_REFRESH, 1, self.key, self.token, self.ttl_ms):
                    return  # lost (flushed or expired): requeue_stale may hand it on
            except redis.RedisError:
                log.warning("could not refresh %s", self.key, exc_info=True)

    def release(self) -> None:
        """Stop refreshing and delete the key if it is still ours."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            self._redis.eval(_RELEASE, 1, self.key, self.token)
        except redis.RedisError:
            log.warning("could not release %s", self.key, exc_info=True)


@dataclass
class RequeueReport:
    """What requeue_stale did."""

    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    live: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)  # requeued at the head: waited far too long
    skipped: bool = False  # another process was already doing it


@dataclass
class QueueView:
    """What one sweep knows of the judge queue: who waits where, and who could take them."""

    positions: dict[str, int]
    workers: int
    idle: int

    @classmethod
    def read(cls, connection: redis.Redis) -> QueueView:
        queue = get_queue("judge")
        workers = Worker.all(connection=connection, queue=queue)
        idle = sum(1 for worker in workers if worker.get_state() == "idle")
        return cls({job: at for at, job in enumerate(queue.job_ids)}, len(workers), idle)

    def overdue(self, judgement: Judgement) -> str | None:
        """Why this waiting judgement is overdue, or None: it waited far longer than the jobs
        ahead of it explain while a worker sat idle (its job lost or held by a stuck worker)."""
        if not self.idle:
            return None
        since = judgement.enqueued_at or judgement.created_at
        waited = (utcnow() - since).total_seconds()
        ahead = self.positions.get(job_id(judgement.id, judgement.attempts), 0)
        config = current_app.config
        allowed = config["JUDGE_OVERDUE_SECONDS"] + ahead * config["JUDGE_TYPICAL_SECONDS"] / max(
            1, self.workers
        )
        if waited <= allowed:
            return None
        return (
            f"queued {waited:.0f} s with {ahead} jobs ahead while {self.idle} of "
            f"{self.workers} workers sat idle"
        )


def requeue_stale() -> RequeueReport:
    """Put back every queued/judging judgement whose job is gone and no live worker holds.

    A judgement out of attempts becomes `failed` with verdict IE. Orphan sandboxes of dead
    workers are reaped first. Safe to run from several processes at once (a Redis lock).
    """
    report = RequeueReport()
    connection = get_redis()
    # Short-lived: a worker SIGKILLed mid-sweep must not hold off every other sweep for long.
    lock = connection.lock("judge:requeue-stale", timeout=SWEEP_LOCK_SECONDS, blocking=False)
    if not lock.acquire(blocking=False):
        report.skipped = True
        return report
    try:
        reap_orphan_sandboxes()
        stuck = db.session.scalars(
            select(Judgement.id).where(Judgement.status.in_(("queued", "judging")))
        ).all()
        db.session.commit()
        view = QueueView.read(connection)
        for judgement_id in stuck:
            try:
                _requeue_one(connection, judgement_id, report, view)
            except Exception:  # one broken judgement must not stop the sweep for the others
                db.session.rollback()
                log.exception("requeue_stale could not handle judgement %s", judgement_id)
    finally:
        # A lock that expired during a very long run is simply gone: the next run proceeds.
        with contextlib.suppress(redis.exceptions.LockError):
            lock.release()
    if report.requeued or report.failed:
        log.info(
            "requeue_stale: requeued %s (overdue %s), failed %s",
            report.requeued,
            report.overdue,
            report.failed,
        )
    return report


def retry_stalled(judgement_id: int, reason: str) -> RequeueReport:
    """A worker killed a horse that made no progress on this judgement: count it, requeue it."""
    note_stall(judgement_id, reason)
    report = RequeueReport()
    _requeue_one(get_redis(), judgement_id, report, at_front=True)
    return report


def note_stall(judgement_id: int, reason: str) -> None:
    """Count a stall of this judgement and say why, for the staff's failed-judgements page."""

    def note() -> None:
        db.session.execute(
            update(Judgement)
            .where(Judgement.id == judgement_id)
            .values(stalls=Judgement.stalls + 1, stalled_at=utcnow(), stall_reason=reason[:2000])
        )
        db.session.commit()

    retry_transaction(note)


def _requeue_one(
    connection: redis.Redis,
    judgement_id: int,
    report: RequeueReport,
    view: QueueView | None = None,
    *,
    at_front: bool = False,
) -> None:
    # A row another process holds (recording it, or frozen while it did) is left to the next
    # sweep: one sweep never waits on it, and a frozen holder's lock lasts DB_LOCK_IDLE_SECONDS.
    bound_lock_holding()
    judgement = db.session.scalar(
        select(Judgement)
        .where(Judgement.id == judgement_id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    if judgement is None or judgement.is_finished:
        db.session.rollback()
        return
    if connection.exists(lease_key(judgement_id)):
        db.session.rollback()
        report.live.append(judgement_id)
        return
    if _job_pending(connection, judgement):
        reason = view.overdue(judgement) if view and judgement.status == "queued" else None
        db.session.rollback()
        if reason is None:
            report.live.append(judgement_id)
            return
        log.warning("judgement %s is overdue (%s); requeueing it first", judgement_id, reason)
        note_stall(judgement_id, reason)
        _forget_job(connection, job_id(judgement_id, judgement.attempts))
        if enqueue_judgement(judgement, at_front=True):
            report.requeued.append(judgement_id)
            report.overdue.append(judgement_id)
        return
    max_attempts = current_app.config["JUDGE_MAX_ATTEMPTS"]
    if judgement.attempts >= max_attempts:
        db.session.rollback()
        reason = judgement.error or "the worker died or the job was lost"
        service.record_failure(
            judgement_id, f"gave up after {judgement.attempts} attempts: {reason}", give_up=True
        )
        report.failed.append(judgement_id)
        return
    if judgement.status == "judging":
        judgement.error = judgement.error or f"attempt {judgement.attempts} was lost (worker died)"
    judgement.status = "queued"
    db.session.commit()
    _forget_job(connection, job_id(judgement_id, judgement.attempts))
    if enqueue_judgement(judgement, at_front=at_front):
        report.requeued.append(judgement_id)


def _job_pending(connection: redis.Redis, judgement: Judgement) -> bool:
    """Whether the judgement's current job still waits in the queue or has just started."""
    try:
        job = Job.fetch(job_id(judgement.id, judgement.attempts), connection=connection)
        status = job.get_status(refresh=False)
    except NoSuchJobError:
        return False
    if status == JobStatus.QUEUED and not _in_queue(connection, job):
        # Dequeued by a worker that died before starting it (or popped by a dead connection):
        # it waits nowhere. Allow the moment between a dequeue and the job's start.
        enqueued = job.enqueued_at
        if enqueued is not None:
            enqueued = enqueued.replace(tzinfo=enqueued.tzinfo or UTC)
            return (datetime.now(UTC) - enqueued).total_seconds() < lease_seconds()
        return False
    if status in _PENDING:
        return True
    if status == JobStatus.STARTED and job.started_at is not None:
        # Between dequeue and taking the lease there is no lease yet: give it one lease time.
        started = job.started_at.replace(tzinfo=job.started_at.tzinfo or UTC)
        return (datetime.now(UTC) - started).total_seconds() < lease_seconds()
    return False


def _in_queue(connection: redis.Redis, job: Job) -> bool:
    """Whether the judge job's id is on the judge queue (LPOS: no full read of a long queue)."""
    return connection.lpos(get_queue("judge").key, job.id) is not None


def _forget_job(connection: redis.Redis, old_id: str) -> None:
    """Delete a dead job so its id can be queued afresh."""
    try:
        Job.fetch(old_id, connection=connection).delete(remove_from_queue=True)
    except NoSuchJobError:
        pass
    except (ValueError, redis.RedisError):  # e.g. its execution died with a killed worker
        log.warning("could not delete job %s cleanly; removing its keys", old_id, exc_info=True)
        get_queue("judge").remove(old_id)
        connection.delete(Job.key_for(old_id))


def reap_orphan_sandboxes() -> None:
    """Remove containers left by killed workers (the sandbox's reap_orphans), if Docker is up."""
    try:
        runner.reap_orphan_sandboxes()
    except Exception:  # Docker down or the sandbox not installed: requeueing matters more
        log.warning("could not reap orphan sandboxes", exc_info=True)
