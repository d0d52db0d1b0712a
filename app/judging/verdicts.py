"""Verdict rules: the defined verdict order, aggregation over tests, score and resources."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.judging.group_dependencies import blocked, unpassed
from app.judging.outcome import TestOutcome

if TYPE_CHECKING:
    from app.models import Challenge

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
    requires: tuple[str, ...] = ()  # groups (or `sample`) it needs passed (require_pass)


def group_rules(challenge: Challenge, only: Collection[str] | None = None) -> list[GroupRule]:
    """The challenge's groups as rules (points, aggregation, require_pass); only: those named."""
    return [
        GroupRule(group.name, group.points, challenge.aggregation_of(group.name),
                  requires=challenge.requires_of(group.name))
        for group in challenge.groups
        if only is None or group.name in only
    ]  # fmt: skip


def group_points(rule: GroupRule, passed: int, size: int) -> float:
    """What a group earns with `passed` of its `size` tests accepted."""
    points = max(rule.points, 0.0)
    if size <= 0:
        return 0.0
    if rule.aggregation == "sum":
        return points * min(passed, size) / size
    return points if passed >= size else 0.0


def earned_points(rule: GroupRule, tests: Sequence[tuple[str, float | None]], size: int) -> float:
    """What a group earns from its tests' (verdict, validator score or None), by the 2025-09
    rules: a test without a validator score earns its maximum when accepted (points / size for
    sum, points for min); tests that never ran (fewer than size) earn 0. With no validator
    score at all this is group_points."""
    points = max(rule.points, 0.0)
    if size <= 0:
        return 0.0
    passed = sum(1 for verdict, _ in tests if verdict == "AC")
    if rule.aggregation not in ("sum", "min") or all(score is None for _, score in tests):
        return group_points(rule, passed, size)
    each = points / size if rule.aggregation == "sum" else points
    scores = [
        (each if score is None else score) if verdict == "AC" else 0.0 for verdict, score in tests
    ]
    if rule.aggregation == "sum":
        return min(points, sum(scores))
    return min(scores) if passed >= size and len(scores) >= size else 0.0


def validator_score(
    verdict: str, score: float | None, multiplier: float | None, max_score: float | None
) -> tuple[float | None, str]:
    """A test's score from its output validator's score.txt / score_multiplier.txt (None:
    not written) and the test's maximum (None: the test gets no score), with a judge error's
    reason when the files break the 2025-09 rules ("Scoring test cases")."""
    if score is None and multiplier is None:
        return None, ""
    if score is not None and multiplier is not None:
        return None, "The output validator wrote both score.txt and score_multiplier.txt."
    if verdict != "AC":
        return None, "The output validator rejected but wrote a score."
    if max_score is None:
        return None, "The output validator wrote a score for a test that gets none."
    if multiplier is not None:
        if not 0.0 <= multiplier <= 1.0:
            return None, f"score_multiplier.txt: {multiplier:g} is not in [0, 1]."
        return multiplier * max_score, ""
    assert score is not None
    if not 0.0 <= score <= max_score + 1e-9:
        return None, f"score.txt: {score:g} is not in [0, {max_score:g}]."
    return min(score, max_score), ""


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
    aggregation: str = "sum",
) -> float:
    """Fraction of tests passed x100, or the points of the groups whose tests all passed.

    Tests that never ran (after a stop at the first failure) count as failed. Group points
    are scaled so that all groups together are worth 100; a group with no tests earns nothing,
    nor does one whose required groups (require_pass) were not all passed. Groups that carry
    no points (a pass-fail problem's folders of tests) score as if there were none.
    aggregation is data/secret's (2025-09): `pass-fail` gives 100 only when every group earned
    all its points (without groups: every test passed), `min` without groups the least test.
    """
    total_points = sum(max(group.points, 0.0) for group in groups)
    if total_points <= 0:
        if total_tests <= 0:
            return 0.0
        whole = GroupRule("", 100.0, aggregation)
        return round(earned_points(whole, [(t.verdict, t.score) for t in tests], total_tests), 4)
    if aggregation == "pass-fail":
        sizes = group_sizes or {}
        known = {group.name: group.size for group in groups} | sizes
        not_passed = unpassed([(t.group, t.verdict) for t in tests], known)
        passed = all(
            known.get(group.name, 0) > 0
            and group.name not in not_passed
            and not blocked(group.requires, not_passed)
            for group in groups
        )
        return 100.0 if passed else 0.0
    earned = sum(group_earnings(tests, groups, group_sizes).values())
    return round(100.0 * earned / total_points, 4)


def group_earnings(
    tests: Sequence[TestOutcome],
    groups: Sequence[GroupRule],
    group_sizes: dict[str, int] | None = None,
) -> dict[str, float]:
    """What each group earns, in its own points (earned_points); 0 for a group whose required
    groups (require_pass) were not all passed."""
    sizes = group_sizes or {}
    known = {group.name: group.size for group in groups} | sizes
    not_passed = unpassed([(t.group, t.verdict) for t in tests], known)
    earned: dict[str, float] = {}
    for group in groups:
        if blocked(group.requires, not_passed):
            earned[group.name] = 0.0
            continue
        mine = [(t.verdict, t.score) for t in tests if t.group == group.name]
        earned[group.name] = earned_points(group, mine, sizes.get(group.name, group.size))
    return earned


def max_resources(tests: Sequence[TestOutcome]) -> tuple[int | None, int | None]:
    """Time and memory of a judgement: the maximum over its tests (None when none ran)."""
    if not tests:
        return None, None
    return max(test.time_ms for test in tests), max(test.memory_kb for test in tests)
