"""A whole board from attempts (the full recompute the score cache must agree with)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.scoring.cells import cell
from app.scoring.standings import first_to_solve, problem_counts, rank, row
from app.scoring.types import Attempt, Cell, Rules, Standing


@dataclass(frozen=True)
class Board:
    """Standings with every cell, first-to-solve marks and per-problem counts."""

    standings: list[Standing]
    cells: dict[tuple[int, str], Cell]
    first: dict[str, int | None]
    counts: dict[str, tuple[int, int]]

    def order(self) -> list[int]:
        return [standing.row.participant_id for standing in self.standings]


def compute_board(attempts: Iterable[Attempt], rules: Rules, participants: Mapping[int, str],
                  problems: Sequence[str]) -> Board:  # fmt: skip
    """Every cell, row and rank from scratch."""
    attempts = list(attempts)
    grouped: dict[tuple[int, str], list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        if attempt.participant_id in participants and attempt.problem in problems:
            grouped[(attempt.participant_id, attempt.problem)].append(attempt)
    cells = {key: cell(items, rules, key[1]) for key, items in grouped.items()}
    return assemble(cells, rules, participants, problems, first_to_solve(attempts, rules, problems))


def assemble(cells: Mapping[tuple[int, str], Cell], rules: Rules, participants: Mapping[int, str],
             problems: Sequence[str], first: dict[str, int | None]) -> Board:  # fmt: skip
    """A board from its cells (stored or computed): rows, ranks and counts."""
    rows = [
        row(pid, (cells.get((pid, label), Cell()) for label in problems), rules.mode)
        for pid in participants
    ]
    return Board(rank(rows, participants, rules.mode), dict(cells), first,
                 problem_counts(cells, problems))  # fmt: skip
