"""Who a board viewer is: staff, a participant, or the public (the freeze decides the rest)."""

from __future__ import annotations

import hmac
from typing import Any

from app.contests.access import AnyUser, is_staff_of, participant_of, visible_round
from app.errors import NotFound
from app.extensions import db
from app.models import Participant, Round
from app.scoring.freeze import PUBLIC, STAFF, Viewer


def viewer_for(user: AnyUser, round_: Round) -> Viewer:
    """Staff read the jury's board; a participant the public one with their own row in full."""
    if is_staff_of(user, round_):
        return STAFF
    participant = participant_of(user, round_)
    if participant is not None:
        return Viewer("participant", participant.id)
    return PUBLIC


def replay_of(user: AnyUser, round_: Round) -> Participant | None:
    """The user's virtual run of this round, if that is how they stand on it: their board is
    the run's own (app/scoring/virtual.py), not the official one."""
    participant = participant_of(user, round_)
    return participant if participant is not None and participant.is_replay else None


def board_round(user: AnyUser, round_id: int) -> tuple[Round, Viewer]:
    """A round whose board the user may see, and as whom."""
    round_ = visible_round(user, round_id)
    return round_, viewer_for(user, round_)


def projector_round(round_id: int, key: str | Any) -> Round:
    """The round of a projector link: the secret key, compared in constant time, or NotFound.
    The projector is a spectator: it sees the public (frozen) board."""
    round_ = db.session.get(Round, round_id)
    if (
        round_ is None
        or not isinstance(key, str)
        or not hmac.compare_digest(key, round_.projector_key)
    ):
        raise NotFound("No such projector link.")
    return round_
