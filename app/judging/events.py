"""Payloads of the live events judging publishes while a judgement runs (sent by app.live)."""

from __future__ import annotations

from typing import Any

from app.judging.outcome import TestOutcome
from app.models import Judgement


def judging_started(judgement: Judgement) -> dict[str, Any]:
    """`submission.judging`: a worker took the judgement (attempt n)."""
    return {
        "type": "submission.judging",
        "submission_id": judgement.submission_id,
        "judgement_id": judgement.id,
        "attempt": judgement.attempts,
    }


def judged_test(
    submission_id: int, judgement_id: int, test: TestOutcome, total: int
) -> dict[str, Any]:
    """`submission.test`: one test's result (test_case_id lets each viewer's projection tell a
    sample from a hidden test)."""
    return {
        "type": "submission.test",
        "submission_id": submission_id,
        "judgement_id": judgement_id,
        "test_case_id": test.test_case_id,
        "position": test.position,
        "total": total,
        **test.public(),
    }
