"""The server's check of a submission's moment against the participant's window."""

from __future__ import annotations

from datetime import datetime

from app.errors import Conflict
from app.models import Participant, Round
from app.scoring.windows import window_of


def check_open(round_: Round, participant: Participant | None, at: datetime) -> float:
    """The credit a submission at `at` gets, or Conflict saying why the window is closed
    (participant None: a user not registered yet, whose window is the round's own)."""
    # A virtual run replays a finalized contest: its own window decides, not the round's state.
    replay = participant is not None and participant.is_replay
    if round_.finalized_at is not None and not replay:
        raise Conflict("This round is finalized: it takes no more submissions.", code="closed")
    window = window_of(round_, participant)
    if window is None:
        raise Conflict("Press Start to open your window first.", code="not_started")
    if at < window.opens:
        raise Conflict(
            f"The round has not started: it opens at {window.opens:%Y-%m-%d %H:%M} UTC.",
            code="not_open",
        )
    credit = window.credit_at(at)
    if credit is None:
        what = "The round is over"
        if round_.mode == "timed" or (participant is not None and participant.virtual):
            what = "Your time is up"
        elif round_.mode == "assignment":
            what = "The assignment is closed (past its cutoff)"
        raise Conflict(
            f"{what}: submissions closed at {window.closes:%Y-%m-%d %H:%M:%S} UTC.",
            code="closed",
        )
    return credit
