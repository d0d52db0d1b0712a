"""The one projection of results under a freeze: what each viewer may see of the attempts.

Public viewers (spectators, the projector, other participants) see an attempt made at or
after the freeze as pending: that it exists, not its result. A participant sees their own
attempts in full; staff see everything; after the thaw everyone does. Boards, first-to-solve
marks and awards are all computed from what this returns, so none of them can leak.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from app.scoring.types import Attempt


@dataclass(frozen=True)
class Viewer:
    """Who looks: the public, one participant, or staff."""

    kind: Literal["public", "participant", "staff"]
    participant_id: int | None = None


PUBLIC = Viewer("public")
STAFF = Viewer("staff")
# The score cache keeps a board per audience: what staff see, and what the public sees.
AUDIENCES: dict[str, Viewer] = {"jury": STAFF, "public": PUBLIC}


def hidden(attempt: Attempt, freeze_seconds: float | None, viewer: Viewer, thawed: bool) -> bool:
    """Whether this viewer must not see this attempt's result."""
    if thawed or freeze_seconds is None or viewer.kind == "staff":
        return False
    if viewer.kind == "participant" and attempt.participant_id == viewer.participant_id:
        return False
    return attempt.at_seconds >= freeze_seconds


def visible(attempts: Iterable[Attempt], *, freeze_seconds: float | None, viewer: Viewer,
            thawed: bool = False) -> list[Attempt]:  # fmt: skip
    """The attempts as this viewer may see them (results after the freeze made pending)."""
    return [
        a._replace(verdict=None, score=0.0, subtasks=())
        if hidden(a, freeze_seconds, viewer, thawed) else a
        for a in attempts
    ]  # fmt: skip
