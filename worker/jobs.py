"""RQ jobs of the judge queue (ids only: a job's signature is a wire protocol)."""

from __future__ import annotations

import logging
import os
import socket
import time

from flask import current_app

from app.channels import submission_channel
from app.extensions import db
from app.judging import events as judging_events
from app.judging import service
from app.judging.outcome import TestOutcome
from app.judging.queue import Lease, enqueue_judgement, requeue_stale
from app.live.events import BackgroundPublisher
from app.stores import retry_transaction
from worker.pipeline import judge_source
from worker.sandbox.engine import get_client

log = logging.getLogger(__name__)
ENGINE_POLL_S = 1.0


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
        attempt = judgement.attempts  # this attempt's fence: a later one makes its writes stale
        submission = judgement.submission
        channel = submission_channel(submission.id)
        events = BackgroundPublisher()

        def on_test(test: TestOutcome, total: int) -> None:
            events.publish(
                channel, judging_events.judged_test(submission.id, judgement_id, test, total)
            )

        try:
            with events:  # every test event is out before the verdict's
                outcome = judge_source(
                    submission.challenge,
                    submission.language,
                    submission.source,
                    samples_only=submission.kind == "samples",
                    on_test=on_test,
                    files={n: t.encode() for n, t in submission.other_files.items()} or None,
                    source_name=submission.source_name,
                )
            # A consequence that must agree with the verdict and fails rolls the verdict back:
            # the attempt failed, and is retried as any failed attempt is. Recording is
            # idempotent (a finished judgement is never written twice): safe to repeat while the
            # database restarts under it.
            retry_transaction(lambda: service.record_result(judgement_id, outcome, attempt=attempt))
        except Exception as error:
            db.session.rollback()
            reason = f"{type(error).__name__}: {error}"
            wait_for_engine()
            status = retry_transaction(
                lambda: service.record_failure(judgement_id, reason, attempt=attempt)
            )
            lease.release()
            held = False
            if status == "queued":
                enqueue_judgement(judgement)
            raise
        return outcome.verdict
    finally:
        if held:
            lease.release()


def wait_for_engine() -> None:
    """After a failed attempt: while the Docker engine does not answer, wait for it (bounded by
    JUDGE_ENGINE_WAIT_SECONDS), so the retry runs once it is back instead of failing at once."""
    limit = float(current_app.config.get("JUDGE_ENGINE_WAIT_SECONDS", 60))
    deadline = time.monotonic() + limit
    waited = False
    while True:
        try:
            get_client().ping()
        except Exception as error:  # noqa: BLE001  (any failure to answer means "away")
            if time.monotonic() >= deadline:
                log.warning("the Docker engine is still away after %.0f s: %s", limit, error)
                return
            if not waited:
                log.warning("the Docker engine is away (%s); waiting up to %.0f s", error, limit)
                waited = True
            time.sleep(ENGINE_POLL_S)
            continue
        if waited:
            log.info("the Docker engine is back; the judgement is retried")
        return


def requeue_stale_judgements() -> dict[str, list[int]]:
    """Maintenance job: put stale judgements back on the queue (see requeue_stale)."""
    report = requeue_stale()
    return {"requeued": report.requeued, "failed": report.failed}


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
