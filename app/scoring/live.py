"""The board's consequence handlers and its live notice.

The notice on `contest:<id>` names the participants whose rows changed and nothing else: each
socket turns it into the `scoreboard.update` its viewer may see (app/contests/sockets.py), so
no result crosses the freeze on a public channel.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.channels import contest_channel
from app.judging.consequences import Judged
from app.live import publish
from app.models import Submission
from app.scoring import cache

CHANGED = "scoreboard.changed"


def update_board(event: Judged) -> None:
    """In the verdict's transaction: the submission's cell and row, for both audiences."""
    if event.submission.round_id is not None:
        cache.refresh(event.submission)


def announce_board(event: Judged) -> None:
    """Once committed: tell the round's watchers whose row changed."""
    announce(event.submission)


def announce(submission: Submission) -> None:
    if submission.round_id is None or submission.participant_id is None:
        return
    publish(contest_channel(submission.round_id), changed([submission.participant_id]))


def changed(participant_ids: list[int]) -> dict[str, Any]:
    """The notice that these participants' rows changed (ids only: no results)."""
    # A fresh id per notice: sockets of one process share the board they build for it.
    return {"type": CHANGED, "participant_ids": participant_ids, "id": uuid.uuid4().hex}
