"""Boss Fight rules (pure): HP, damage, hints, and the XP of a defeat or an escape.

- HP = participants × the sum of the test points of the boss's challenges × 0.6, so the class
  wins when, on average, each student passes 60% of it.
- A test's points: 1, or with subtasks the group's points shared by its tests.
- Damage is the points of the tests a student passes for the first time in this fight: a hit
  is one (user, target) row, so a student deals at most one full solve per challenge, plus a
  20% critical (of the challenge's points) at their first accept of it. Wrong answers cost
  nothing.
- Hints unlock at 66% and 33% HP left.
- A defeat pays every participant the reward; an escape pays it in proportion to the damage,
  the same for everyone (the boss view ranks nobody).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

HP_SHARE = 0.6
CRITICAL = 0.2
HINT_AT = (0.66, 0.33)
MIN_CHALLENGES, MAX_CHALLENGES = 1, 3
DEFAULT_MINUTES = 20


@dataclass(frozen=True)
class TestPoint:
    __test__ = False  # not a pytest class

    test_id: int
    group: str | None


@dataclass(frozen=True)
class Hit:
    target: str  # "test:<id>" or "crit:<challenge id>"
    damage: float

    @property
    def critical(self) -> bool:
        return self.target.startswith("crit:")


def test_points(tests: Sequence[TestPoint], group_points: Mapping[str, float]) -> dict[int, float]:
    """Points of each test: 1 each, or with subtasks its group's points over the group's size
    (tests outside any group are then worth nothing, as in scoring)."""
    if not group_points:
        return {test.test_id: 1.0 for test in tests}
    sizes: dict[str, int] = {}
    for test in tests:
        if test.group is not None:
            sizes[test.group] = sizes.get(test.group, 0) + 1
    return {
        test.test_id: (
            max(group_points.get(test.group, 0.0), 0.0) / sizes[test.group]
            if test.group is not None
            else 0.0
        )
        for test in tests
    }


def hp(participants: int, points_total: float) -> float:
    return round(participants * points_total * HP_SHARE, 4)


def hits(
    challenge_id: int,
    points: Mapping[int, float],
    passed: Iterable[int],
    accepted: bool,
    already: set[str],
) -> list[Hit]:
    """The new hits of one judgement: tests passed for the first time, and the critical."""
    found = [
        Hit(f"test:{test_id}", points[test_id])
        for test_id in sorted(set(passed))
        if test_id in points and f"test:{test_id}" not in already and points[test_id] > 0
    ]
    crit = f"crit:{challenge_id}"
    if accepted and crit not in already:
        found.append(Hit(crit, round(CRITICAL * sum(points.values()), 4)))
    return found


def hp_left(hp_max: float, damage: float) -> float:
    return max(round(hp_max - damage, 4), 0.0)


def hints_unlocked(hints: Sequence[str], hp_max: float, left: float) -> list[str]:
    """The hints shown at this HP: the first at 66% left, the second at 33%."""
    if hp_max <= 0:
        return list(hints[: len(HINT_AT)])
    share = left / hp_max
    return [hint for hint, at in zip(hints, HINT_AT, strict=False) if share <= at]


def reward_xp(reward: int, damage: float, hp_max: float, defeated: bool) -> int:
    """Each participant's XP: the reward at a defeat, else its share as the damage dealt."""
    if defeated:
        return reward
    if hp_max <= 0:
        return 0
    share = min(max(damage / hp_max, 0.0), 1.0)
    # Rounded before the floor: 3 of 7.2 HP is 5/12 of the reward, not a hair under it.
    return math.floor(round(reward * share, 6))
