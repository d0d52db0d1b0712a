"""Validation in the background: the Validate button queues a job on the default queue.

Validating runs every reference solution through the judge, which can take minutes (an
expected TLE costs the whole time limit): far too long for a web request. The challenge's
package_meta["validation"] says where it stands:

- {"status": "running", "token", "requested"}: a job is queued or running. The token names
  the request: a job whose token is no longer the challenge's (the challenge changed, or a
  newer request came) drops its report. A running state whose job is gone (its worker died,
  the job failed) reads as "interrupted", and Validate can be pressed again.
- {"status": "failed", "error", "at"}: the judge could not run (no engine, no image...).
- a report (ValidationReport.stored), which set_published reads.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

import redis
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from app.challenges.validation.report import ValidationReport
from app.challenges.validation.solutions import validate_challenge
from app.errors import AppError, Conflict, ServiceUnavailable
from app.extensions import db
from app.models import Challenge, utcnow
from app.notifications.service import notify
from app.stores import get_queue, get_redis

log = logging.getLogger(__name__)
JOB_FUNCTION = "app.challenges.validation.queue.run_validation"
JOB_TIMEOUT_S = 3600
ALIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED}


def job_id(challenge_id: int, token: str) -> str:
    return f"validate-{challenge_id}-{token}"


def validation_state(challenge: Challenge) -> dict[str, Any] | None:
    """What the solutions page shows: the stored state, a dead job's run as interrupted."""
    state = (challenge.package_meta or {}).get("validation")
    if state and state.get("status") == "running" and not _job_alive(challenge.id, state):
        return {**state, "status": "interrupted"}
    return state


def request_validation(challenge: Challenge) -> None:
    """Queue a validation of challenge (authorised by the caller); one at a time."""
    state = validation_state(challenge)
    if state and state.get("status") == "running":
        raise Conflict("A validation is already running; its report appears here when it ends.")
    token = secrets.token_hex(8)
    _set_state(challenge, {"status": "running", "token": token, "requested": _now()})
    db.session.commit()
    try:
        get_queue("default").enqueue(
            JOB_FUNCTION,
            challenge.id,
            token,
            job_id=job_id(challenge.id, token),
            job_timeout=JOB_TIMEOUT_S,
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
        )
    except redis.RedisError as error:
        log.warning("could not queue the validation of %s", challenge.slug, exc_info=True)
        _set_state(challenge, None)
        db.session.commit()
        raise ServiceUnavailable("The job queue can't be reached; try again shortly.") from error


def run_validation(challenge_id: int, token: str) -> str:
    """The job: validate and store the report, unless the request went stale meanwhile."""
    db.engine.dispose(close=False)  # a forked work horse must not share its parent's connections
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None or not _current(challenge, token):
        return "stale"
    try:
        report = validate_challenge(challenge)
    except AppError as error:
        db.session.rollback()
        return store_result(challenge, token, None, error.message)
    return store_result(challenge, token, report)


def store_result(challenge: Challenge, token: str | None, report: ValidationReport | None,
                 error: str = "") -> str:  # fmt: skip
    """Keep a report (or the reason there is none) if token still names the latest request;
    token None stores unconditionally (a validation run in the foreground)."""
    db.session.refresh(challenge)
    if token is not None and not _current(challenge, token):
        db.session.rollback()
        return "stale"
    if report is None:
        _set_state(challenge, {"status": "failed", "error": error, "at": _now()})
    else:
        _set_state(challenge, report.stored(at=_now()))
    if token is not None and challenge.owner_id is not None:  # a background run: tell its owner
        outcome = (
            "could not run" if report is None else ("passed" if report.ok else "problems found")
        )
        notify(challenge.owner_id, "validation_finished",
               {"challenge_id": challenge.id, "challenge_slug": challenge.slug,
                "challenge_title": challenge.title, "outcome": outcome})  # fmt: skip
    db.session.commit()
    return "failed" if report is None else "done"


def _current(challenge: Challenge, token: str) -> bool:
    state = (challenge.package_meta or {}).get("validation") or {}
    return bool(state.get("status") == "running" and state.get("token") == token)


def _job_alive(challenge_id: int, state: dict[str, Any]) -> bool:
    try:
        job = Job.fetch(job_id(challenge_id, str(state.get("token"))), connection=get_redis())
        return job.get_status() in ALIVE
    except NoSuchJobError:
        return False
    except redis.RedisError:
        return True  # can't tell: keep showing it running


def _set_state(challenge: Challenge, state: dict[str, Any] | None) -> None:
    meta = dict(challenge.package_meta or {})
    if state is None:
        meta.pop("validation", None)
    else:
        meta["validation"] = state
    challenge.package_meta = meta


def _now() -> str:
    return utcnow().isoformat(timespec="seconds")
