"""The values scoring works on: attempts in, cells and rows out (no database, no Flask)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

Mode = Literal["icpc", "ioi", "assignment"]


class Attempt(NamedTuple):
    """One real submission as scoring sees it. at_seconds counts from the participant's start
    (the contest's, or their own window's); verdict None = pending (judging, or IE). A named
    tuple: a full recompute makes one per submission."""

    submission_id: int
    participant_id: int
    problem: str
    at_seconds: float
    verdict: str | None
    score: float = 0.0  # 0-100 of the problem
    subtasks: tuple[float, ...] = ()  # points earned per subtask (of 100 in all)
    credit: float = 1.0  # an assignment's late credit for this attempt's time

    @property
    def pending(self) -> bool:
        return self.verdict is None or self.verdict == "IE"


@dataclass(frozen=True)
class Rules:
    """A round's scoring rules."""

    mode: Mode = "icpc"
    penalty_minutes: int = 20
    ce_penalty: bool = False  # a compile error counts as a rejected try
    end_seconds: float | None = None  # attempts at or after it do not count
    points: dict[str, float] = field(default_factory=dict)  # per label; 100 if absent


@dataclass(frozen=True)
class Cell:
    """One participant's result on one problem."""

    judged: int = 0  # CLICS num_judged
    pending: int = 0  # CLICS num_pending
    solved: bool = False
    time: int | None = None  # contest minute of the first accept (ICPC)
    penalty: int = 0  # minutes this problem adds (ICPC)
    first_accept_id: int | None = None
    score: float = 0.0  # points earned (IOI, assignment)
    improved_seconds: float | None = None  # when the score last went up

    def as_dict(self) -> dict[str, object]:
        return {"judged": self.judged, "pending": self.pending, "solved": self.solved,
                "time": self.time, "penalty": self.penalty,
                "first_accept_id": self.first_accept_id, "score": self.score,
                "improved_seconds": self.improved_seconds}  # fmt: skip

    def stored(self) -> dict[str, object]:
        """As the score cache keeps it: only what differs from an empty cell, so that a row of
        26 cells stays small enough to be stored inline (not TOASTed) and rewritten cheaply."""
        return {key: value for key, value in self.as_dict().items() if value != _EMPTY[key]}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Cell:
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})  # type: ignore[arg-type]


_EMPTY = Cell().as_dict()


@dataclass(frozen=True)
class Row:
    """A participant's totals."""

    participant_id: int
    solved: int = 0
    time: int = 0  # ICPC total penalty time
    last_accept: int = 0  # ICPC: minute of the last accept (the tie breaker)
    score: float = 0.0
    last_improvement: float = 0.0  # IOI/assignment tie breaker (seconds)

    def as_dict(self) -> dict[str, object]:
        return {"solved": self.solved, "time": self.time, "last_accept": self.last_accept,
                "score": self.score, "last_improvement": self.last_improvement}  # fmt: skip

    @classmethod
    def from_dict(cls, participant_id: int, data: dict[str, object]) -> Row:
        return cls(participant_id, **{k: data[k] for k in ("solved", "time", "last_accept",
                                                            "score", "last_improvement")})  # type: ignore[arg-type]  # fmt: skip


@dataclass(frozen=True)
class Standing:
    """A row at its place: ties share a rank."""

    rank: int
    row: Row
    name: str
