"""The resolver's steps, as at the ICPC finals: from the frozen board, take the lowest row with
a pending cell, reveal its first pending cell (by label), re-rank; until nothing is pending.
The server computes the steps; the projector animates them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.scoring.board import Board, assemble
from app.scoring.cells import cell
from app.scoring.standings import first_to_solve
from app.scoring.types import Attempt, Cell, Rules


@dataclass(frozen=True)
class Step:
    """One reveal: a cell, what it turned out to be, and the row's move."""

    participant_id: int
    problem: str
    cell: Cell
    from_position: int  # 0-based places on the board before and after the reveal
    to_position: int
    order: list[int]  # every participant id in board order after it
    board: Board


def _cells(attempts: Iterable[Attempt], rules: Rules) -> dict[tuple[int, str], Cell]:
    grouped: dict[tuple[int, str], list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        grouped[(attempt.participant_id, attempt.problem)].append(attempt)
    return {key: cell(items, rules, key[1]) for key, items in grouped.items()}


def reveal_steps(frozen: Iterable[Attempt], final: Iterable[Attempt], rules: Rules,
                 participants: Mapping[int, str], problems: Sequence[str]) -> tuple[Board, list[Step]]:  # fmt: skip
    """The frozen board and the steps that turn it into the final one."""
    final = list(final)
    truth = _cells(final, rules)
    current = _cells(frozen, rules)
    no_marks: dict[str, int | None] = {label: None for label in problems}
    start = board = assemble(current, rules, participants, problems, no_marks)
    steps: list[Step] = []
    unresolvable: set[tuple[int, str]] = set()  # still pending for the jury too
    while True:
        target = _next_pending(board, current, truth, problems, unresolvable)
        if target is None:
            break
        pid, label = target
        before = board.order().index(pid)
        current[target] = truth.get(target, Cell())
        board = assemble(current, rules, participants, problems, no_marks)
        steps.append(Step(pid, label, current[target], before, board.order().index(pid),
                          board.order(), board))  # fmt: skip
    if steps:  # the last board also carries the first-to-solve marks
        last = steps[-1]
        marked = assemble(
            current, rules, participants, problems, first_to_solve(final, rules, problems)
        )
        steps[-1] = Step(last.participant_id, last.problem, last.cell, last.from_position,
                         last.to_position, last.order, marked)  # fmt: skip
    return start, steps


def _next_pending(board: Board, current: dict[tuple[int, str], Cell], truth: dict[tuple[int, str], Cell],
                  problems: Sequence[str], unresolvable: set[tuple[int, str]]) -> tuple[int, str] | None:  # fmt: skip
    for standing in reversed(board.standings):
        pid = standing.row.participant_id
        for label in problems:
            key = (pid, label)
            shown = current.get(key)
            if shown is None or not shown.pending or key in unresolvable:
                continue
            if truth.get(key, Cell()) == shown:
                unresolvable.add(key)
                continue
            return key
    return None
