"""Accepted after 5 or more rejected tries: persistence pays."""

from dataclasses import dataclass

from app.gamification.badges import Badge, Facts

TRIES = 5


@dataclass(frozen=True)
class Comeback(Badge):
    def progress(self, facts: Facts) -> tuple[int, int]:
        return int(facts.first_accept and facts.rejected_before >= TRIES), 1


BADGES = [Comeback("comeback", "Comeback", "silver", f"Accepted after {TRIES}+ rejected tries.")]
