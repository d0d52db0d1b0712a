"""Verdict rules: the defined verdict order, aggregation over tests, score and resources."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.judging.outcome import TestOutcome

# Most to least severe. A judge fault outranks everything the program did, and among the
# program's own failures a crash explains a wrong answer better than the reverse.
VERDICT_ORDER = ("IE", "CE", "RE", "MLE", "OLE", "TLE", "WA", "AC")
_RANK = {verdict: rank for rank, verdict in enumerate(VERDICT_ORDER)}


@dataclass(frozen=True)
class GroupRule:
    """A test group's name, the points it is worth and how its tests earn them.

    `pass-fail` (and `min`, whose tests score all or nothing without a validator's score
    file): the points only when every test passed. `sum`: each test is worth points / size
    (the 2025-09 package format's "Result aggregation").
    """

    name: str
    points: float
    aggregation: str = "pass-fail"
    size: int = 0  # tests in the group (0: unknown, the caller passes the sizes)


def group_points(rule: GroupRule, passed: int, size: int) -> float:
    """What a group earns with `passed` of its `size` tests accepted."""
    points = max(rule.points, 0.0)
    if size <= 0:
        return 0.0
    if rule.aggregation == "sum":
        return points * min(passed, size) / size
    return points if passed >= size else 0.0


def severity(verdict: str) -> int:
    """Lower is more severe; unknown codes count as internal errors."""
    return _RANK.get(verdict, 0)


def aggregate_verdict(verdicts: Sequence[str], *, first_failure: bool) -> str:
    """ICPC style: the first failing test's verdict; otherwise the most severe one."""
    failing = [verdict for verdict in verdicts if verdict != "AC"]
    if not failing:
        return "AC"
    if first_failure:
        return failing[0]
    return min(failing, key=severity)


def score(
    tests: Sequence[TestOutcome],
    total_tests: int,
    groups: Sequence[GroupRule] = (),
    group_sizes: dict[str, int] | None = None,
) -> float:
    """Fraction of tests passed x100, or the points of the groups whose tests all passed.

    Tests that never ran (after a stop at the first failure) count as failed. Group points
    are scaled so that all groups together are worth 100; a group with no tests earns nothing.
    """
    if groups:
        sizes = group_sizes or {}
        total_points = sum(max(group.points, 0.0) for group in groups)
        if total_points <= 0:
            return 0.0
        earned = 0.0
        for group in groups:
            passed = sum(1 for t in tests if t.group == group.name and t.verdict == "AC")
            earned += group_points(group, passed, sizes.get(group.name, group.size))
        return round(100.0 * earned / total_points, 4)
    if total_tests <= 0:
        return 0.0
    passed = sum(1 for test in tests if test.verdict == "AC")
    return round(100.0 * passed / total_tests, 4)


def max_resources(tests: Sequence[TestOutcome]) -> tuple[int | None, int | None]:
    """Time and memory of a judgement: the maximum over its tests (None when none ran)."""
    if not tests:
        return None, None
    return max(test.time_ms for test in tests), max(test.memory_kb for test in tests)
