"""A participant's window and clock: when they may submit, and what a submission is worth.

Times are the server's (naive UTC, as stored). A window is half-open: a submission at exactly
its end counts as after the end, and is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol


class Timed(Protocol):
    """What a window depends on of a participant (a Participant, or its columns)."""

    @property
    def virtual(self) -> bool: ...
    @property
    def started_at(self) -> datetime | None: ...
    @property
    def extra_minutes(self) -> int: ...


class Schedule(Protocol):
    """What windows and clocks depend on of a round (a Round, or its columns as read under a
    verdict's lock)."""

    @property
    def mode(self) -> str: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...
    @property
    def duration_minutes(self) -> int | None: ...
    @property
    def due_at(self) -> datetime | None: ...
    @property
    def credit_windows(self) -> list[dict[str, Any]]: ...
    @property
    def freeze_at(self) -> datetime | None: ...
    @property
    def duration(self) -> timedelta: ...


@dataclass(frozen=True)
class Window:
    """A participant's window: open from `opens`; full credit before `due`; closed at `closes`."""

    opens: datetime
    due: datetime
    closes: datetime
    # Assignment credit after due: (until, credit) in order; empty for contests.
    credits: tuple[tuple[datetime, float], ...] = ()

    def credit_at(self, at: datetime) -> float | None:
        """The share of its score a submission at `at` keeps; None outside the window."""
        if at < self.opens or at >= self.closes:
            return None
        if at < self.due:
            return 1.0
        for until, credit in self.credits:
            if at < until:
                return credit
        return None

    def seconds_left(self, now: datetime) -> float:
        return max(0.0, (self.closes - now).total_seconds())


def window_of(round_: Schedule, participant: Timed | None) -> Window | None:
    """The window this participant submits in; None while a timed round is not started."""
    extra = timedelta(minutes=participant.extra_minutes if participant else 0)
    if participant is not None and participant.virtual:
        if participant.started_at is None:
            return None
        closes = participant.started_at + round_.duration
        return Window(participant.started_at, closes, closes)
    if round_.mode == "timed":
        if participant is None or participant.started_at is None:
            return None
        timer = timedelta(minutes=round_.duration_minutes or 0)
        closes = min(participant.started_at + timer, round_.ends_at) + extra
        return Window(participant.started_at, closes, closes)
    if round_.mode == "assignment":
        due = (round_.due_at or round_.ends_at) + extra
        credits = tuple(
            (datetime.fromisoformat(window["until"]) + extra, float(window["credit"]))
            for window in round_.credit_windows
        )
        return Window(round_.starts_at, due, round_.ends_at + extra, credits)
    return Window(round_.starts_at, round_.ends_at, round_.ends_at)


def start_of(round_: Schedule, participant: Timed) -> datetime:
    """Where this participant's board clock starts (contest time 0)."""
    if (participant.virtual or round_.mode == "timed") and participant.started_at is not None:
        return participant.started_at
    return round_.starts_at
