"""A round's CLICS state changes that the host makes: unfreeze (thaw) and finalize."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.contests import events
from app.contests.access import is_staff_of
from app.contests.finalized import run_finalized, run_thawed
from app.errors import Conflict, Forbidden
from app.extensions import db
from app.models import Judgement, Round, Submission, User, utcnow
from app.scoring import cache
from app.scoring import live as board_live


def unjudged(round_: Round) -> int:
    """Real submissions of the round whose newest judgement has not finished."""
    return (
        db.session.scalar(
            select(func.count(func.distinct(Submission.id)))
            .join(Judgement, Judgement.submission_id == Submission.id)
            .where(
                Submission.round_id == round_.id,
                Submission.kind == "submit",
                Judgement.status.in_(("queued", "judging")),
            )
        )
        or 0
    )


def thaw(user: User | None, round_: Round, now: datetime | None = None) -> Round:
    """Unfreeze at once: the public board shows every result (no resolver). None = the CLI."""
    if user is not None and not is_staff_of(user, round_):
        raise Forbidden("Only the round's staff unfreeze its board.")
    if round_.freeze_at is None:
        raise Conflict("This round has no freeze.")
    if round_.thawed_at is not None:
        return round_
    now = now or utcnow()
    if now < round_.freeze_at:
        raise Conflict("The board is not frozen yet.")
    round_.thawed_at = now
    cache.rebuild(round_)  # the public rows now show every result
    db.session.commit()
    board_live.bump(round_.id)
    events.publish_state(round_, now)
    run_thawed(round_)
    if round_.finalized_at is not None:
        run_finalized(round_)
    return round_


def finalize(user: User | None, round_: Round, now: datetime | None = None) -> Round:
    """Declare the results final; refused before the end and while anything is unjudged."""
    if user is not None and not is_staff_of(user, round_):
        raise Forbidden("Only the round's staff finalize it.")
    now = now or utcnow()
    if round_.finalized_at is not None:
        return round_
    if now < round_.ends_at:
        raise Conflict("The round has not ended: it can be finalized after its end.")
    waiting = unjudged(round_)
    if waiting:
        raise Conflict(
            f"{waiting} submission{'s are' if waiting != 1 else ' is'} still being judged: "
            "finalize once every verdict is in.",
            code="unjudged",
        )
    round_.finalized_at = now
    db.session.commit()
    events.publish_state(round_, now)
    run_finalized(round_)
    return round_
