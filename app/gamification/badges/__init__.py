"""Badges: one small rule object per badge, each in a file of this package (found, not listed).

A badge module defines BADGES, a list of `Badge` objects. A rule reads `Facts` (what the
verdict's transaction already knows about the user and this verdict) and says whether the
badge is earned and how far along the user is, so the profile can show the ones in reach.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from typing import Literal

Tier = Literal["bronze", "silver", "gold"]
TIERS: tuple[Tier, ...] = ("bronze", "silver", "gold")


@dataclass(frozen=True)
class Facts:
    """A user's totals after a verdict, and what this verdict was."""

    solved: int = 0  # challenges accepted at least once
    languages: int = 0  # languages with at least one accepted challenge
    streak: int = 0  # the current streak
    level: int = 1
    medals: int = 0
    firsts: int = 0  # first to solve a contest problem (1 when this verdict was, publicly)
    bosses_defeated: int = 0
    # This verdict: a first accept of the challenge, and what led to it.
    first_accept: bool = False
    hard: bool = False  # the challenge is hard or expert
    rejected_before: int = 0  # the user's rejected real submissions of it before this accept
    minutes_since_release: float | None = None


@dataclass(frozen=True)
class Badge:
    """A badge: a stable id, a tier, and the rule."""

    id: str
    name: str
    tier: Tier
    description: str

    def awarded_to(self, facts: Facts) -> bool:
        have, need = self.progress(facts)
        return have >= need

    def progress(self, facts: Facts) -> tuple[int, int]:
        """(how far, how far is needed); a badge of one moment is (0, 1) until it happens."""
        raise NotImplementedError


@dataclass(frozen=True)
class Threshold(Badge):
    """Earned when a counted fact reaches a number (10 challenges, a 7-day streak)."""

    fact: str = "solved"
    need: int = 1

    def progress(self, facts: Facts) -> tuple[int, int]:
        return min(int(getattr(facts, self.fact)), self.need), self.need


@cache
def all_badges() -> tuple[Badge, ...]:
    """Every badge of every module in this package, in module then declaration order."""
    found: list[Badge] = []
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        found.extend(importlib.import_module(f"{__name__}.{module}").BADGES)
    ids = [badge.id for badge in found]
    if len(set(ids)) != len(ids):
        raise RuntimeError(f"two badges share an id: {sorted(ids)}")
    return tuple(found)


def by_id(badge_id: str) -> Badge | None:
    return next((badge for badge in all_badges() if badge.id == badge_id), None)


def newly_earned(facts: Facts, held: set[str]) -> list[Badge]:
    """The badges facts earn that the user does not hold yet."""
    return [b for b in all_badges() if b.id not in held and b.awarded_to(facts)]


def in_reach(facts: Facts, held: set[str], limit: int = 4) -> list[tuple[Badge, int, int]]:
    """Badges not held yet that are counted, nearest to done first."""
    open_: list[tuple[Badge, int, int]] = [
        (badge, *badge.progress(facts))
        for badge in all_badges()
        if badge.id not in held and isinstance(badge, Threshold)
    ]
    open_.sort(key=lambda item: (-(item[1] / item[2]), TIERS.index(item[0].tier)))
    return open_[:limit]


def rarity(holders: int, players: int) -> float:
    """The share of players holding a badge (0–1)."""
    return holders / players if players > 0 else 0.0
