"""Staff actions on submissions: rejudge one, a challenge's or all since a time; override;
the judgements the judge gave up on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, select

from app.challenges.access import (
    managed_challenge_ids,
    require_manager,
    require_staff,
    visible_challenge,
)
from app.contests.access import managed_round
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.judging.consequences import Counted, commit_judged, override_event
from app.models import Challenge, Judgement, Submission, User
from app.models.submission import VERDICTS
from app.submissions import service as submissions
from app.submissions.access import visible_submission

MAX_REASON = 2000


def rejudge_one(staff: User, submission_id: int) -> Judgement:
    """Judge one submission again (a new judgement; earlier ones stay as history)."""
    require_staff(staff)
    submission = visible_submission(staff, submission_id)
    require_manager(staff, submission.challenge)
    return submissions.rejudge(submission)


def rejudge_many(staff: User, *, slug: str | None = None, since: datetime | None = None) -> int:
    """Rejudge every counted submission of a challenge and/or since a time; returns how many."""
    require_staff(staff)
    if slug is None and since is None:
        raise ValidationError("Choose a challenge or a time to rejudge from.")
    query = select(Submission).where(Submission.kind == "submit").order_by(Submission.id)
    if slug is not None:
        challenge: Challenge = visible_challenge(staff, slug)
        require_manager(staff, challenge)
        query = query.where(Submission.challenge_id == challenge.id)
    managed = managed_challenge_ids(staff)
    if managed is not None:  # a teacher rejudges only what they run, never the whole site
        query = query.where(Submission.challenge_id.in_(managed))
    if since is not None:
        query = query.where(Submission.created_at >= since)
    chosen = list(db.session.scalars(query))
    for submission in chosen:
        submissions.rejudge(submission)
    return len(chosen)


def rejudge_round(staff: User, round_id: int, label: str | None = None) -> int:
    """Rejudge every real submission of a round, or of one of its problems; how many."""
    round_ = managed_round(staff, round_id)
    query = select(Submission).where(Submission.round_id == round_.id, Submission.kind == "submit")
    if label:
        problem = next((p for p in round_.problems if p.label == label), None)
        if problem is None:
            raise ValidationError(f"The round has no problem {label}.", field="label")
        query = query.where(Submission.challenge_id == problem.challenge_id)
    chosen = list(db.session.scalars(query.order_by(Submission.id)))
    for submission in chosen:
        submissions.rejudge(submission)
    return len(chosen)


def override_verdict(staff: User, submission_id: int, verdict: str, reason: str) -> Judgement:
    """Replace the shown verdict of the newest finished judgement; the judge's own stays.

    Its consequences follow as a first verdict's do (a Judged event with what counted before)."""
    require_staff(staff)
    submission = visible_submission(staff, submission_id)
    require_manager(staff, submission.challenge)
    # Locked as the recorder locks it: a verdict being recorded now is seen, or waits for us.
    db.session.get(Submission, submission.id, with_for_update=True)
    db.session.expire(submission, ["judgements"])
    verdict = verdict.strip().upper()
    reason = reason.strip()
    if verdict and verdict not in VERDICTS:
        raise ValidationError(f"Unknown verdict {verdict!r}.", field="verdict")
    if verdict and not reason:
        raise ValidationError(
            "Give a reason for the override; the student sees it.", field="reason"
        )
    if len(reason) > MAX_REASON:
        raise ValidationError(f"Keep the reason under {MAX_REASON} characters.", field="reason")
    finished = [j for j in submission.judgements if j.is_finished]
    if not finished:
        raise Conflict("The submission is still being judged; override it once it has a verdict.")
    judgement = finished[-1]
    before = Counted.of(judgement)
    # An empty verdict clears the override: the judge's verdict counts again.
    judgement.override_verdict = verdict or None
    judgement.override_reason = reason if verdict else ""
    commit_judged(override_event(judgement, before))
    return judgement


def failed_judgements(staff: User, *, slug: str | None = None, limit: int = 200) -> list[Judgement]:
    """Judgements the judge gave up on (no rejudge since), of challenges the staff member runs."""
    require_staff(staff)
    newest = select(func.max(Judgement.id)).group_by(Judgement.submission_id)
    query = (
        select(Judgement)
        .join(Submission, Judgement.submission_id == Submission.id)
        .where(Judgement.status == "failed", Judgement.id.in_(newest))
        .order_by(Judgement.finished_at.desc(), Judgement.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(_of_staff(staff, query, slug)))


def stalled_judgements(
    staff: User, *, slug: str | None = None, limit: int = 200
) -> list[Judgement]:
    """Judgements that stalled (a stuck horse killed, or requeued as overdue), newest first."""
    require_staff(staff)
    query = (
        select(Judgement)
        .join(Submission, Judgement.submission_id == Submission.id)
        .where(Judgement.stalls > 0)
        .order_by(Judgement.stalled_at.desc(), Judgement.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(_of_staff(staff, query, slug)))


def _of_staff(
    staff: User, query: Select[tuple[Judgement]], slug: str | None
) -> Select[tuple[Judgement]]:
    """Only judgements of the challenges this staff member runs (of one, with a slug)."""
    if slug is not None:
        challenge = visible_challenge(staff, slug)
        require_manager(staff, challenge)
        query = query.where(Submission.challenge_id == challenge.id)
    managed = managed_challenge_ids(staff)
    if managed is not None:
        query = query.where(Submission.challenge_id.in_(managed))
    return query


def rejudge_failed(staff: User, *, slug: str | None = None) -> int:
    """Rejudge every failed judgement the staff member sees listed; returns how many."""
    failed = failed_judgements(staff, slug=slug, limit=10_000)
    for judgement in failed:
        submissions.rejudge(judgement.submission)
    return len(failed)
