"""Worker entry: `python -m worker` listens on the judge, default, mail and maintenance queues."""

from __future__ import annotations

import gc
import importlib
import logging
import os
import signal
import socket
import sys

from flask import current_app
from rq import Queue, Worker
from rq.executions import Execution
from rq.job import Job
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app import create_app
from app.extensions import db
from app.gamification.boss_end import settle_overdue as settle_overdue_bosses
from app.judging.queue import reap_orphan_sandboxes, requeue_stale, retry_stalled
from app.models import Judgement
from app.stores import QUEUE_NAMES, get_redis
from worker.forks import isolate_children
from worker.jobs import own_connections
from worker.mail import maintain as maintain_notifications
from worker.spare import Spare, fork_spare
from worker.stall import HorseWatch, count_stall

# Imported once by the worker rather than by every work horse (each job is a fork of it).
PRELOAD = ("worker.jobs", "worker.mail", "worker.checkers.exact", "worker.checkers.tokens")

log = logging.getLogger("codedev.worker")

# How often (seconds) an idle worker looks for judgements whose worker died or whose job vanished.
DEFAULT_MAINTENANCE_SECONDS = 60


class JudgeWorker(Worker):
    """An RQ worker whose maintenance tick also puts stale judgements back on the queue."""

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        recover()

    _warmed = False
    _spare: Spare | None = None
    _watch: HorseWatch | None = None
    _stalled: str | None = None  # why the current job's horse was killed, if it was

    def execute_job(self, job: Job, queue: Queue) -> None:
        self._stalled = None
        super().execute_job(job, queue)
        if self._stalled is not None:
            retry_after_stall(job, queue, self._watch, self._stalled)
        self._watch = None
        if not self._warmed:  # once there is a judgement to read (see warm_up)
            self._warmed = warm_up()

    def monitor_work_horse(self, job: Job, queue: Queue, execution: Execution) -> None:
        limit = float(current_app.config["JUDGE_STALL_SECONDS"])
        self._watch = HorseWatch(self.connection, job, self.horse_pid, limit)
        super().monitor_work_horse(job, queue, execution)

    def maintain_heartbeats(self, job: Job, execution: Execution) -> None:
        """Every monitoring interval while a horse works: also kill it if it has stalled."""
        super().maintain_heartbeats(job, execution)
        reason = self._watch.stalled() if self._watch and self._stalled is None else None
        if reason is not None:
            log.warning("work horse stalled: %s; killing it and retrying job %s", reason, job.id)
            self._stalled = reason
            count_stall(self.connection)
            self.kill_horse(signal.SIGKILL)  # the monitor then reaps it and fails the job

    def fork_work_horse(self, job: Job, queue: Queue) -> None:
        spare, self._spare = self._spare, None
        execution = self.execution
        if spare is not None and execution is None:
            spare.discard()  # nothing to hand it (never seen): a plain horse takes the job
            spare = None
        if spare is not None and execution is not None and spare.hand_over(job, queue, execution):
            self._horse_pid = spare.pid
            self.procline(f"Handed {job.id} to spare horse {spare.pid}")
        else:
            # The horse never collects what the worker already holds, so its garbage
            # collections don't touch (and copy) the worker's pages.
            gc.freeze()
            try:
                super().fork_work_horse(job, queue)
            finally:
                gc.unfreeze()
        # The next job's horse, warmed up while this one works.
        self._spare = fork_spare(self, warm_spare, freshen_spare)

    def teardown(self) -> None:
        if self._spare is not None:
            self._spare.discard()
            self._spare = None
        super().teardown()


def retry_after_stall(job: Job, queue: Queue, watch: HorseWatch | None, reason: str) -> None:
    """Put a stalled horse's job back at the head of its queue (a judgement: a new attempt
    if it had started one, noted on its row for staff)."""
    try:
        if watch is not None and watch.judgement_id is not None:
            retry_stalled(watch.judgement_id, reason)
        else:
            queue.failed_job_registry.requeue(job.id, at_front=True)
    except Exception:  # never let a retry stop the worker
        log.exception("could not retry stalled job %s; requeue_stale will", job.id)
    finally:
        db.session.remove()


def recover() -> None:
    """Requeue stale judgements (and reap orphan sandboxes), send overdue mail, reminders and
    digests (worker.mail.maintain), settle boss fights whose time ran out; never let it stop
    the worker."""
    try:
        requeue_stale()
    except Exception:
        log.exception("requeue_stale failed; the next maintenance tick retries")
    try:
        maintain_notifications()
    except Exception:
        log.exception("notifications maintenance failed; the next tick retries")
    try:
        settle_overdue_bosses()  # an escape is paid even when no page is open
    except Exception:
        log.exception("settling overdue boss fights failed; the next tick retries")
    finally:
        # Work horses are forks of this process: leave no connection checked out for them.
        db.session.remove()


def warm_up() -> bool:
    """Run a judge job's first reads once in the worker, so every forked horse inherits
    SQLAlchemy's compiled statements and loaders instead of building them again. True once a
    real judgement was there to read."""
    try:
        db.session.get(Judgement, 0, with_for_update=True)
        latest = db.session.scalar(select(Judgement).order_by(Judgement.id.desc()).limit(1))
        if latest is None:
            return False
        challenge = latest.submission.challenge
        for case in challenge.tests:
            _ = case.group
        return True
    except SQLAlchemyError:
        log.warning("could not warm up the judge's statements", exc_info=True)
        return False
    finally:
        db.session.rollback()
        db.session.remove()


def warm_spare() -> None:
    """In a spare horse: its own connections and a judge job's first reads, before the job."""
    own_connections()
    warm_up()
    get_redis().ping()


def freshen_spare() -> None:
    """In a spare whose job came after a long wait: reopen connections that may be stale."""
    db.engine.dispose()  # its own connections: closed, and new ones opened on demand
    get_redis().connection_pool.disconnect()


def start_pool_keeper() -> None:
    """Refill warm sandboxes from this process, off the horses' path (if the sandbox is here)."""
    try:
        keeper = importlib.import_module("worker.sandbox.keeper")
    except ImportError:  # a worker host without the docker SDK judges nothing
        log.warning("no sandbox package: the warm pools are not kept", exc_info=True)
        return
    keeper.start()


def main(argv: list[str] | None = None) -> None:
    """Run one RQ worker inside an app context so jobs can use the models (--burst: until empty;
    --queues=a,b: only those queues, as `make run` does while judging is not ready)."""
    args = sys.argv[1:] if argv is None else argv
    burst = "--burst" in args
    queues = next((arg.split("=", 1)[1].split(",") for arg in args if arg.startswith("--queues=")),
                  list(QUEUE_NAMES))  # fmt: skip
    unknown = set(queues) - set(QUEUE_NAMES)
    if unknown:
        raise SystemExit(
            f"unknown queue(s) {', '.join(sorted(unknown))}; known: {', '.join(QUEUE_NAMES)}"
        )
    isolate_children()  # no horse, spare or scheduler keeps the worker's connections alive
    app = create_app()
    with app.app_context():
        connection = get_redis(app)
        name = f"{socket.gethostname()}-{os.getpid()}"
        interval = int(app.config.get("JUDGE_MAINTENANCE_SECONDS", DEFAULT_MAINTENANCE_SECONDS))
        # The horse is checked for stalls once per monitoring interval: a few per stall limit.
        monitoring = max(1, min(30, int(app.config["JUDGE_STALL_SECONDS"]) // 3))
        # The blocking dequeue waits worker_ttl - 15 s; keep it within one maintenance tick.
        worker = JudgeWorker(
            queues,
            connection=connection,
            name=name,
            maintenance_interval=interval,
            worker_ttl=interval + 15,
            job_monitoring_interval=monitoring,
        )
        for module in PRELOAD:
            importlib.import_module(module)
        judges = "judge" in queues
        if judges:  # a worker that judges nothing needs no sandbox (nor a Docker engine)
            reap_orphan_sandboxes()
            worker._warmed = warm_up()
            start_pool_keeper()
        log.info("worker %s listening on %s", name, ", ".join(queues))
        # The first maintenance tick runs requeue_stale (and so reaps orphans) before any job.
        worker.work(burst=burst, with_scheduler=not burst)


if __name__ == "__main__":
    main()
