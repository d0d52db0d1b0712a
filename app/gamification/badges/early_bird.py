"""Solved within 10 minutes of the challenge's release."""

from dataclasses import dataclass

from app.gamification.badges import Badge, Facts

MINUTES = 10


@dataclass(frozen=True)
class EarlyBird(Badge):
    def progress(self, facts: Facts) -> tuple[int, int]:
        minutes = facts.minutes_since_release
        return int(facts.first_accept and minutes is not None and 0 <= minutes <= MINUTES), 1


BADGES = [
    EarlyBird("early-bird", "Early bird", "bronze", f"Solved within {MINUTES} min of release.")
]
