"""One cell from its attempts: ICPC (CLICS rules), IOI (best per subtask), assignment credit."""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter

from app.scoring.types import Attempt, Cell, Rules

_ORDER = attrgetter("at_seconds", "submission_id")
# Verdicts that cost a penalty try by default; CE only if the host says so; IE never (pending).
PENALTY = frozenset({"WA", "TLE", "MLE", "RE", "OLE"})


def counted(attempts: Iterable[Attempt], rules: Rules) -> list[Attempt]:
    """The attempts that count, in order: before the end (one exactly at the end is after)."""
    end = rules.end_seconds
    kept = [a for a in attempts if end is None or a.at_seconds < end]
    return sorted(kept, key=_ORDER)


def cell(attempts: Iterable[Attempt], rules: Rules, label: str = "") -> Cell:
    """The cell of one (participant, problem) by the round's mode."""
    ordered = counted(attempts, rules)
    if rules.mode == "icpc":
        return icpc_cell(ordered, rules)
    return score_cell(ordered, rules, rules.points.get(label, 100.0))


def icpc_cell(ordered: list[Attempt], rules: Rules) -> Cell:
    """CLICS pass-fail: the first accept counts, at floor(minutes); each earlier rejected try
    with a penalty costs penalty_minutes. A pending try (no judgement, or IE) has no effect on
    scoring; the cell shows how many are pending before the first accept. num_judged leaves
    out a CE that carries no penalty, as DOMjudge and PCMS do."""
    judged = pending = rejected = 0
    for attempt in ordered:
        if attempt.pending:
            pending += 1
            continue
        if attempt.verdict == "AC":
            minute = int(attempt.at_seconds // 60)
            return Cell(judged + 1, pending, True, minute, minute + rules.penalty_minutes * rejected,
                        attempt.submission_id, improved_seconds=attempt.at_seconds)  # fmt: skip
        if attempt.verdict in PENALTY or (attempt.verdict == "CE" and rules.ce_penalty):
            rejected += 1
            judged += 1
    return Cell(judged, pending)


def score_cell(ordered: list[Attempt], rules: Rules, points: float) -> Cell:
    """IOI: the best per subtask across attempts (the best total without subtasks). An
    assignment: each attempt at its credit, the best counts, so a score never goes down."""
    judged = pending = 0
    best: list[float] = []
    best_total = 0.0
    improved: float | None = None
    for attempt in ordered:
        if attempt.pending:
            pending += 1
            continue
        if attempt.verdict == "CE" and not rules.ce_penalty:
            continue  # no judged try
        judged += 1
        if rules.mode == "ioi" and attempt.subtasks:
            merged = [max(pair) for pair in _zip_longest(best, attempt.subtasks)]
            total = min(100.0, sum(merged))
            best = merged
        else:
            total = attempt.score * (attempt.credit if rules.mode == "assignment" else 1.0)
        if total > best_total + 1e-9:
            best_total, improved = total, attempt.at_seconds
    earned = round(points * best_total / 100.0, 4)
    return Cell(judged, pending, best_total >= 100.0 - 1e-9, score=earned,
                improved_seconds=improved)  # fmt: skip


def _zip_longest(a: list[float], b: tuple[float, ...]) -> list[tuple[float, float]]:
    size = max(len(a), len(b))
    return [(a[i] if i < len(a) else 0.0, b[i] if i < len(b) else 0.0) for i in range(size)]
