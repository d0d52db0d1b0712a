"""What judging tells people: a rejudge or override that changed a student's result, and a
judgement that failed with IE (to the challenge's owner). Both collapse per challenge, so a
rejudge of 500 submissions is one unread notification per student, not 500.

Registered after the commit: a notification that fails to store never rolls a verdict back.
"""

from __future__ import annotations

import logging

from flask import Flask

from app.extensions import db
from app.judging.consequences import AFTER_COMMIT, Judged, register
from app.notifications.service import notify

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Register the judging sources on the app's consequence registry."""
    register(app, AFTER_COMMIT, verdict_changed, real_only=True)
    register(app, AFTER_COMMIT, judge_error, real_only=True)


def _shown(verdict: str | None, score: float) -> str:
    return f"{verdict or 'pending'} ({score:g})"


def verdict_changed(event: Judged) -> None:
    """A rejudge or override changed what counts for the student: tell them, once per
    challenge while unread."""
    before = event.previous
    judgement, submission = event.judgement, event.submission
    if event.cause == "judge" or before is None or not event.counts or not judgement.is_finished:
        return
    after = judgement.final_verdict
    if before.verdict == after and before.score == judgement.score:
        return
    if submission.user_id is None:
        return
    notify(
        submission.user_id,
        "verdict_changed",
        {
            "submission_id": submission.id,
            "challenge_id": submission.challenge_id,
            "challenge_title": submission.challenge.title,
            "before": _shown(before.verdict, before.score),
            "after": _shown(after, judgement.score),
            "cause": event.cause,
        },
        collapse_key=f"verdict:{submission.challenge_id}",
    )
    db.session.commit()


def judge_error(event: Judged) -> None:
    """The judge gave up (IE): the challenge's owner hears of it, once per challenge while unread."""
    judgement, submission = event.judgement, event.submission
    if judgement.final_verdict != "IE" or judgement.override_verdict is not None:
        return
    owner_id = submission.challenge.owner_id
    if owner_id is None:
        return
    notify(
        owner_id,
        "judge_error",
        {
            "submission_id": submission.id,
            "challenge_id": submission.challenge_id,
            "challenge_title": submission.challenge.title,
            "error": (judgement.error or "")[:300],
        },
        collapse_key=f"ie:{submission.challenge_id}",
    )
    db.session.commit()
