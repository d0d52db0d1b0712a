"""What one viewer may see of a round's clarifications: the one rule the page, the events and
the CLICS feed all go through.

- The jury (the round's staff) sees every question, who asked it, and every answer.
- A participant (a student or a team: every member alike) sees its own questions with their
  answers, the answers staff sent to all, and the announcements.
- The public (spectators, the projector, anyone else who may see the round) sees the
  announcements and the answers sent to all; never an unanswered question, never who asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.models import Clarification


@dataclass(frozen=True)
class Viewer:
    """Who looks: the jury, one participant, or the public (neither)."""

    jury: bool = False
    participant_id: int | None = None

    def sees(self, clarification: Clarification) -> ShownClarification | None:
        """The clarification as this viewer may see it, or None when it is not theirs to see."""
        mine = (
            clarification.participant_id is not None
            and clarification.participant_id == self.participant_id
        )
        public = clarification.is_announcement or (
            clarification.to_all and clarification.answered_at is not None
        )
        if not (self.jury or mine or public):
            return None
        return ShownClarification(
            id=clarification.id,
            round_id=clarification.round_id,
            kind="announcement" if clarification.is_announcement else "question",
            problem_label=clarification.problem_label,
            question=clarification.question,
            answer=clarification.answer if clarification.answered_at is not None else None,
            to_all=clarification.to_all,
            asked_at=clarification.created_at,
            answered_at=clarification.answered_at,
            mine=mine,
            participant_id=clarification.participant_id if self.jury else None,
        )


JURY = Viewer(jury=True)
PUBLIC = Viewer()


@dataclass(frozen=True)
class ShownClarification:
    """A clarification as one viewer sees it; an announcement's text is its `answer`."""

    id: int
    round_id: int
    kind: str  # "announcement" or "question"
    problem_label: str | None
    question: str
    answer: str | None  # None until answered
    to_all: bool
    asked_at: datetime
    answered_at: datetime | None
    mine: bool
    # Who asked: for the jury only (others never learn whose question an answer to all was).
    participant_id: int | None

    @property
    def is_announcement(self) -> bool:
        return self.kind == "announcement"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None
