"""Subtask points where an output validator scored tests (2025-09 score.txt): what
attempts.subtasks_of adds to its verdict counts, by the judge's own rule
(verdicts.earned_points), so a board's subtasks agree with the judgement's score."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.judging.verdicts import GroupRule, earned_points
from app.models import TestResult

Scores = dict[tuple[int, str], list[float]]  # (judgement id, group) -> its tests' scores


def scored_tests(judgement_ids: list[int]) -> Scores:
    """The validator scores of these judgements' tests, by judgement and group (one query
    over the rows that have one: none for problems without score files)."""
    found: Scores = {}
    for jid, group, score in db.session.execute(
        select(TestResult.judgement_id, TestResult.group, TestResult.score).where(
            TestResult.judgement_id.in_(judgement_ids), TestResult.score.is_not(None)
        )
    ):
        found.setdefault((jid, group), []).append(float(score))
    return found


def rescored(rule: GroupRule, earned: float, scores: list[float] | None, passed: int) -> float:
    """A group's points with its tests' validator scores; `earned` (from verdicts alone) when
    none of its tests has one. passed: its accepted tests, scored ones included (a test with
    a score is always an accepted one)."""
    if not scores:
        return earned
    tests: list[tuple[str, float | None]] = [("AC", score) for score in scores]
    tests += [("AC", None)] * max(0, passed - len(scores))
    return earned_points(rule, tests, rule.size)
