"""A contest freeze holds back gamification: XP, badges and streaks of a result the public may
not see yet would tell it on every leaderboard, profile and toast a classmate sees. A verdict of
a round submission made after the freeze (on its participant's clock) pays nothing until the
round is unfrozen; then release() settles each such submission as its verdict would have, once
(the ledger's guard keys make a second settlement pay nothing).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from app.errors import Contended
from app.extensions import db
from app.judging.consequences import Judged
from app.models import Judgement, Participant, Round, Submission, User
from app.scoring import freeze
from app.scoring.attempts import clocks
from app.scoring.types import Attempt

log = logging.getLogger(__name__)


Sent = tuple[int, int | None, datetime]  # a submission's id, participant id and created_at


def hidden_results(round_: Round, sent: list[Sent], viewer: freeze.Viewer, *,
                   thawed: bool | None = None) -> set[int]:  # fmt: skip
    """The ids of these submissions whose results this viewer may not see on the round's
    own board (freeze.hidden on each one's clock); thawed=False: as before the thaw."""
    thawed = round_.thawed_at is not None if thawed is None else thawed
    if round_.freeze_at is None or thawed or viewer.kind == "staff":
        return set()
    on_clock = clocks(round_)
    hidden: set[int] = set()
    for submission_id, participant_id, created_at in sent:
        clock = on_clock.get(participant_id or 0)
        if clock is None:  # its participant was removed: the round's own clock
            start = round_.starts_at
            freeze_seconds: float | None = (round_.freeze_at - start).total_seconds()
        else:
            start, freeze_seconds = clock.start, clock.freeze
        at = (created_at - start).total_seconds()
        seen = Attempt(submission_id, participant_id or 0, "", at, None)
        if freeze.hidden(seen, freeze_seconds, viewer, thawed=False):
            hidden.add(submission_id)
    return hidden


def held(submission: Submission) -> bool:
    """Whether this submission's verdict must not pay yet: its result is hidden from the
    public by its round's freeze."""
    if submission.round_id is None:
        return False
    round_ = db.session.get(Round, submission.round_id)
    if round_ is None or round_.freeze_at is None or round_.thawed_at is not None:
        return False
    participant = (
        db.session.get(Participant, submission.participant_id)
        if submission.participant_id
        else None
    )
    if participant is not None and participant.virtual:
        return False  # a replay is on no official board: its results tell nothing secret
    sent = [(submission.id, submission.participant_id, submission.created_at)]
    return bool(hidden_results(round_, sent, freeze.PUBLIC))


def release(round_: Round) -> None:
    """After the thaw is committed: settle every held submission of the round, oldest first,
    each in its own transaction, and tell its user (a thaw hook)."""
    if round_.freeze_at is None:
        return
    sent: list[Sent] = [
        (row.id, row.participant_id, row.created_at)
        for row in db.session.execute(
            select(Submission.id, Submission.participant_id, Submission.created_at)
            .where(Submission.round_id == round_.id, Submission.kind == "submit",
                   Submission.user_id.is_not(None))
            .order_by(Submission.id)
        )
    ]  # fmt: skip
    for submission_id in sorted(hidden_results(round_, sent, freeze.PUBLIC, thawed=False)):
        for _ in range(3):  # a racing verdict of the same user: read again
            try:
                _settle(submission_id)
                break
            except Contended:
                db.session.rollback()
        else:
            log.error("submission %s: its held gamification could not be settled", submission_id)


def _settle(submission_id: int) -> None:
    """Settle one submission as its newest finished verdict would have, then tell its user."""
    from app.gamification import handlers  # they import this module for held()

    submission = db.session.get(Submission, submission_id)
    if submission is None or db.session.get(User, submission.user_id) is None:
        return
    judgement = db.session.scalars(
        select(Judgement)
        .where(Judgement.submission_id == submission_id,
               Judgement.status.in_(("done", "failed")))
        .order_by(Judgement.id.desc())
        .limit(1)
    ).first()  # fmt: skip
    if judgement is None:
        db.session.rollback()
        return
    event = Judged(submission, judgement, None, "submit", "judge")
    handlers.apply_verdict(event)
    db.session.commit()
    handlers.announce_verdict(event)
