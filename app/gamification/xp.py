"""XP and level rules: what a challenge pays by difficulty, partial progress, and levels.

- A challenge pays its difficulty's XP once per (user, challenge): the full amount at the first
  accept, and a partial score pays the *increase* of the best score (floored, so the sum of
  every payment for a challenge is always `payable(difficulty, best)` and never more).
- Level L needs 50·L·(L−1) total XP: level 1 at 0, level 2 at 100, level 3 at 300, ...
"""

from __future__ import annotations

from math import isqrt

# The five difficulty levels, easiest first, and what a full solve of each pays.
XP_BY_DIFFICULTY = {"beginner": 10, "easy": 25, "medium": 60, "hard": 150, "expert": 400}
# Challenges written before there were five levels, or with an unknown one, pay as medium.
DEFAULT_DIFFICULTY = "medium"
HARD_DIFFICULTIES = ("hard", "expert")


def full_xp(difficulty: str) -> int:
    """XP of a full solve of a challenge of this difficulty."""
    return XP_BY_DIFFICULTY.get(difficulty, XP_BY_DIFFICULTY[DEFAULT_DIFFICULTY])


def best_of(verdict: str | None, score: float) -> float:
    """The progress (0–100) a judgement shows: an accept is a full solve whatever its score."""
    if verdict == "AC":
        return 100.0
    return min(max(float(score), 0.0), 100.0)


def payable(difficulty: str, best: float) -> int:
    """Total XP a challenge has paid once the best progress is `best` (0–100)."""
    best = min(max(best, 0.0), 100.0)
    # Integer arithmetic on hundredths, so 100.0 pays exactly the full amount.
    return full_xp(difficulty) * round(best * 100) // 10_000


def increase(difficulty: str, old_best: float, new_best: float) -> int:
    """What a new best pays on top of what the old one already paid (never negative)."""
    return max(payable(difficulty, new_best) - payable(difficulty, old_best), 0)


def settle(difficulty: str, paid: int, best: float) -> int:
    """The ledger row that brings what a challenge has paid in line with the best progress
    that counts now: positive for a new best, negative (a reversal) when a rejudge or an
    override took an accept back, 0 when nothing changed (a repeat, a resubmission)."""
    return payable(difficulty, best) - paid


def xp_for_level(level: int) -> int:
    """Total XP that level `level` needs (level 1 needs none)."""
    return 50 * level * (level - 1)


def level_of(total_xp: int) -> int:
    """The highest level whose requirement total_xp meets (1 for any total below 100)."""
    if total_xp < 0:
        return 1
    # 50·L·(L−1) ≤ xp  ⇔  L·(L−1) ≤ xp // 50, as L·(L−1) is a whole number.
    units = total_xp // 50
    level = (1 + isqrt(1 + 4 * units)) // 2
    while xp_for_level(level + 1) <= total_xp:  # guard the integer square root's rounding
        level += 1
    while level > 1 and xp_for_level(level) > total_xp:
        level -= 1
    return max(level, 1)


def progress(total_xp: int) -> tuple[int, int, int]:
    """(level, XP into this level, XP this level spans) for the header's bar."""
    level = level_of(total_xp)
    floor, ceiling = xp_for_level(level), xp_for_level(level + 1)
    return level, max(total_xp, 0) - floor, ceiling - floor
