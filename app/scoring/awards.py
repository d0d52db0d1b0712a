"""CLICS awards from a board: the winner, medals by place (ties share), first to solve."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.scoring.board import Board
from app.scoring.types import Attempt, Mode


def awards(board: Board, mode: Mode, *, gold: int, silver: int, bronze: int,
           solver_of: Mapping[int, int]) -> list[dict[str, Any]]:  # fmt: skip
    """The award list (ids, citations, team ids as strings). solver_of maps a submission id
    to its participant, for the first-to-solve awards."""
    scored = [s for s in board.standings if (s.row.solved if mode == "icpc" else s.row.score) > 0]
    result: list[dict[str, Any]] = []
    winners = [s for s in scored if s.rank == 1]
    result.append({"id": "winner", "citation": "Contest winner",
                   "team_ids": [str(s.row.participant_id) for s in winners]})  # fmt: skip
    limits = (("gold-medal", "Gold medal", gold), ("silver-medal", "Silver medal", gold + silver),
              ("bronze-medal", "Bronze medal", gold + silver + bronze))  # fmt: skip
    lower = 0
    for award_id, citation, upper in limits:
        team_ids = [str(s.row.participant_id) for s in scored if lower < s.rank <= upper]
        result.append({"id": award_id, "citation": citation, "team_ids": team_ids})
        lower = max(lower, upper, max((s.rank for s in scored if s.rank <= upper), default=0))
    for label, submission_id in board.first.items():
        solver = solver_of.get(submission_id) if submission_id is not None else None
        result.append({"id": f"first-to-solve-{label}", "citation": f"First to solve problem {label}",
                       "team_ids": [str(solver)] if solver is not None else []})  # fmt: skip
    return result


def solvers(attempts: list[Attempt]) -> dict[int, int]:
    """Submission id to participant id."""
    return {attempt.submission_id: attempt.participant_id for attempt in attempts}
