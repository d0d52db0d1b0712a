"""Rows from cells, and the order of a board: ties share a rank, then names sort the tie."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from app.scoring.cells import counted
from app.scoring.types import Attempt, Cell, Mode, Row, Rules, Standing


def row(participant_id: int, cells: Iterable[Cell], mode: Mode) -> Row:
    """A participant's totals from their cells."""
    cells = list(cells)
    if mode == "icpc":
        solved = [c for c in cells if c.solved]
        return Row(participant_id, len(solved), sum(c.penalty for c in solved),
                   max((c.time or 0 for c in solved), default=0))  # fmt: skip
    improved = [c.improved_seconds for c in cells if c.improved_seconds is not None and c.score]
    return Row(participant_id, sum(1 for c in cells if c.solved), score=round(sum(c.score for c in cells), 4),
               last_improvement=max(improved, default=0.0))  # fmt: skip


def sort_key(row: Row, mode: Mode) -> tuple[float, ...]:
    """CLICS: solved desc, total time asc, time of the last accept asc; IOI: score desc, then
    the time of the last improvement asc."""
    if mode == "icpc":
        return (-row.solved, row.time, row.last_accept)
    return (-row.score, row.last_improvement)


def rank(rows: Iterable[Row], names: Mapping[int, str], mode: Mode) -> list[Standing]:
    """The ordered board: equal keys share a rank (1, 1, 3); within a rank, by name."""
    ordered = sorted(rows, key=lambda r: (sort_key(r, mode), names.get(r.participant_id, ""),
                                          r.participant_id))  # fmt: skip
    standings: list[Standing] = []
    for index, current in enumerate(ordered):
        if index and sort_key(current, mode) == sort_key(ordered[index - 1], mode):
            place = standings[-1].rank
        else:
            place = index + 1
        standings.append(Standing(place, current, names.get(current.participant_id, "")))
    return standings


def first_to_solve(
    attempts: Iterable[Attempt], rules: Rules, problems: Sequence[str]
) -> dict[str, int | None]:
    """Per problem the earliest accepted attempt, decided only once no earlier attempt on that
    problem is pending (None while undecided or unsolved)."""
    by_problem: dict[str, list[Attempt]] = {label: [] for label in problems}
    for attempt in attempts:
        by_problem.setdefault(attempt.problem, []).append(attempt)
    result: dict[str, int | None] = {}
    for label, items in by_problem.items():
        result[label] = None
        for attempt in counted(items, rules):
            if attempt.pending:
                break
            if attempt.verdict == "AC" or (rules.mode != "icpc" and attempt.score >= 100):
                result[label] = attempt.submission_id
                break
    return result


def problem_counts(
    cells: Mapping[tuple[int, str], Cell], problems: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """Per problem: how many participants solved it, and how many tried it."""
    counts = {label: [0, 0] for label in problems}
    for (_, label), value in cells.items():
        if label not in counts or not (value.judged or value.pending):
            continue
        counts[label][1] += 1
        counts[label][0] += int(value.solved)
    return {label: (solved, tried) for label, (solved, tried) in counts.items()}
