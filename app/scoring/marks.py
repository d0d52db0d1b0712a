"""First-to-solve marks, per audience: kept as a verdict changes one cell, made in a rebuild.

A mark is {"id": submission id, "at": seconds, "participant_id": ...}, stored on the problem
(RoundProblem.firsts) for each audience, from the attempts that audience sees.
"""

from __future__ import annotations

from typing import Any

from app.scoring.attempts import Labelled, Scored, earliest_attempts, problem_attempts
from app.scoring.freeze import AUDIENCES, visible
from app.scoring.standings import first_to_solve
from app.scoring.types import Attempt, Rules


def refreshed(round_: Scored, problem: Labelled, firsts: dict[str, Any] | None,
              touched: list[Attempt], rules: Rules) -> dict[str, Any] | None:  # fmt: skip
    """A problem's first-to-solve marks recomputed when one cell's attempts (touched) could
    move them (None when they cannot: each mark is settled earlier than every one of them)."""
    firsts = firsts or {}
    earliest = min((a.at_seconds for a in touched), default=None)
    ids = {a.submission_id for a in touched}
    settled = [firsts.get(audience) for audience in AUDIENCES]
    if earliest is not None and all(
        mark and mark["id"] not in ids and mark["at"] < earliest for mark in settled
    ):
        return None
    return recomputed(round_, problem, rules)


# Attempts read at a time while looking for a problem's first solve from the earliest on.
MARK_PAGE = 64


def recomputed(round_: Scored, problem: Labelled, rules: Rules) -> dict[str, Any]:
    """A problem's first-to-solve mark per audience. Where everyone ranked starts with the
    round, the earliest attempts decide (the first accepted one, unless a pending one comes
    before it): pages are read from the first sent until each audience's mark is decided. In
    a timed round each clock starts at its own Start: every attempt is read."""
    thawed = round_.thawed_at is not None
    seen: dict[str, list[Attempt]] = {audience: [] for audience in AUDIENCES}
    if round_.mode == "timed":
        for clock, items in problem_attempts(round_, problem):
            for audience, viewer in AUDIENCES.items():
                seen[audience] += visible(items, freeze_seconds=clock.freeze, viewer=viewer,
                                          thawed=thawed)  # fmt: skip
    else:
        offset, last = 0, False
        while not last and not all(_decided(seen[a], rules) for a in AUDIENCES):
            page, last = earliest_attempts(round_, problem, offset, MARK_PAGE)
            offset += MARK_PAGE
            for clock, attempt in page:
                for audience, viewer in AUDIENCES.items():
                    seen[audience] += visible([attempt], freeze_seconds=clock.freeze,
                                              viewer=viewer, thawed=thawed)  # fmt: skip
    return {audience: of_attempts(seen[audience], rules, problem.label) for audience in AUDIENCES}


def decisive(attempt: Attempt, rules: Rules) -> bool:
    """Whether an attempt can decide a first solve: accepted, or pending (which holds the mark
    back). The others never do, so a mark computed without them is the same."""
    return (
        attempt.pending
        or attempt.verdict == "AC"
        or (rules.mode != "icpc" and attempt.score >= 100)
    )


def _decided(seen: list[Attempt], rules: Rules) -> bool:
    """Whether later attempts can no longer change the first solve among these (read in time
    order): one of them is decisive."""
    return any(decisive(a, rules) for a in seen)


def of_attempts(seen: list[Attempt], rules: Rules, label: str) -> dict[str, Any] | None:
    """A problem's first-to-solve mark from the attempts one audience sees on it."""
    first = first_to_solve(seen, rules, [label])[label]
    hit = next((a for a in seen if a.submission_id == first), None)
    if hit is None:
        return None
    return {"id": hit.submission_id, "at": hit.at_seconds, "participant_id": hit.participant_id}
