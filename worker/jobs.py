"""RQ jobs of the judge queue (ids only: a job's signature is a wire protocol)."""

from __future__ import annotations

import logging
import os
import socket

from app.channels import submission_channel
from app.extensions import db
from app.judging import service
from app.judging.events import BackgroundPublisher
from app.judging.outcome import TestOutcome
from app.judging.queue import Lease, enqueue_judgement, requeue_stale
from app.stores import retry_transaction
from worker.pipeline import judge_source

log = logging.getLogger(__name__)


_connections_of: int | None = None  # the process whose connections the engine's pool holds


def own_connections() -> None:
    """Drop the database connections a forked horse inherited from its worker (never shared);
    a spare horse (worker.spare) did this before its job came and keeps the ones it opened."""
    global _connections_of
    if _connections_of != os.getpid():
        db.engine.dispose(close=False)
        _connections_of = os.getpid()


def judge(judgement_id: int) -> str:
    """Judge one judgement; a repeat of a finished one (or one a live worker holds) is a no-op."""
    own_connections()
    lease = Lease(judgement_id)
    if not lease.acquire():
        return "busy"
    held = True
    try:
        judgement = service.start_attempt(judgement_id, _worker_name())
        if judgement is None:
            return "finished"
        submission = judgement.submission
        channel = submission_channel(submission.id)
        events = BackgroundPublisher()

        def on_test(test: TestOutcome, total: int) -> None:
            events.publish(
                channel,
                {
                    "type": "submission.test",
                    "submission_id": submission.id,
                    "judgement_id": judgement_id,
                    "position": test.position,
                    "total": total,
                    **test.public(),
                },
            )

        try:
            with events:  # every test event is out before the verdict's
                outcome = judge_source(
                    submission.challenge,
                    submission.language,
                    submission.source,
                    samples_only=submission.kind == "samples",
                    on_test=on_test,
                )
        except Exception as error:
            db.session.rollback()
            reason = f"{type(error).__name__}: {error}"
            status = retry_transaction(lambda: service.record_failure(judgement_id, reason))
            lease.release()
            held = False
            if status == "queued":
                enqueue_judgement(judgement)
            raise
        # Idempotent (a finished judgement is never written twice): safe to repeat while the
        # database restarts under it.
        retry_transaction(lambda: service.record_result(judgement_id, outcome))
        return outcome.verdict
    finally:
        if held:
            lease.release()


def requeue_stale_judgements() -> dict[str, list[int]]:
    """Maintenance job: put stale judgements back on the queue (see requeue_stale)."""
    report = requeue_stale()
    return {"requeued": report.requeued, "failed": report.failed}


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
