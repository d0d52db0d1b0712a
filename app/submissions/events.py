"""Payloads of a submission's verdict events, and the handler that publishes them once committed."""

from __future__ import annotations

from typing import Any

from app.channels import submission_channel
from app.judging.consequences import Judged
from app.live import publish
from app.models import Judgement


def verdict_done(judgement: Judgement) -> dict[str, Any]:
    """`submission.done`: the judge's verdict of one judgement (finished or given up)."""
    return {
        "type": "submission.done",
        "submission_id": judgement.submission_id,
        "judgement_id": judgement.id,
        "status": judgement.status,
        "verdict": judgement.verdict,
        "score": judgement.score,
        "time_ms": judgement.time_ms,
        "memory_kb": judgement.memory_kb,
    }


def verdict_overridden(judgement: Judgement) -> dict[str, Any]:
    """`submission.override`: staff replaced (or cleared) the shown verdict."""
    return {
        "type": "submission.override",
        "submission_id": judgement.submission_id,
        "judgement_id": judgement.id,
        "verdict": judgement.final_verdict,
    }


def announce(event: Judged) -> None:
    """After commit: tell the submission's watchers (sockets re-send the stored state after)."""
    payload = (
        verdict_overridden(event.judgement)
        if event.cause == "override"
        else verdict_done(event.judgement)
    )
    # The judgement's row is read again after the commit anyway; the submission's need not be.
    publish(submission_channel(event.judgement.submission_id), payload)
