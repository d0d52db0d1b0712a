"""The board's consequence handlers and its live notice.

The notice on `contest:<id>` names the participants whose rows changed and nothing else: each
socket turns it into the `scoreboard.update` its viewer may see (app/contests/sockets.py), so
no result crosses the freeze on a public channel.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import redis

from app.channels import contest_channel
from app.judging.consequences import Judged
from app.live import publish
from app.models import Submission
from app.scoring import cache
from app.stores import get_redis

CHANGED = "scoreboard.changed"
log = logging.getLogger(__name__)


def update_board(event: Judged) -> None:
    """In the verdict's transaction: the submission's cell and row, for both audiences."""
    if event.submission.round_id is not None:
        cache.refresh(event.submission)


def announce_board(event: Judged) -> None:
    """Once committed: tell the round's watchers whose row changed."""
    announce(event.submission)


def announce(submission: Submission) -> None:
    """After the commit: the board's cached JSON is stale, and its watchers hear whose row."""
    if submission.round_id is None or submission.participant_id is None:
        return
    announce_rows(submission.round_id, [submission.participant_id])


def announce_rows(round_id: int, participant_ids: list[int]) -> None:
    """After the commit: these participants' rows changed (a verdict, an extension)."""
    bump(round_id)
    publish(contest_channel(round_id), changed(participant_ids))


def changed(participant_ids: list[int]) -> dict[str, Any]:
    """The notice that these participants' rows changed (ids only: no results)."""
    # A fresh id per notice: sockets of one process share the board they build for it.
    return {"type": CHANGED, "participant_ids": participant_ids, "id": uuid.uuid4().hex}


def version_key(round_id: int) -> str:
    return f"board:version:{round_id}"


def bump(round_id: int) -> None:
    """After a commit that changed a round's board: cached board JSON of it is stale now."""
    try:
        get_redis().incr(version_key(round_id))
    except redis.RedisError:  # the cache is then bypassed until Redis answers (see boards)
        log.warning("could not mark round %s's board changed", round_id, exc_info=True)
