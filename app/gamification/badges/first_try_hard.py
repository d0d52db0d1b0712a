"""A hard challenge accepted at the first try."""

from dataclasses import dataclass

from app.gamification.badges import Badge, Facts


@dataclass(frozen=True)
class FirstTryHard(Badge):
    def progress(self, facts: Facts) -> tuple[int, int]:
        done = facts.first_accept and facts.hard and facts.rejected_before == 0
        return int(done), 1


BADGES = [FirstTryHard("first-try-hard", "Sharpshooter", "gold", "A hard challenge, first try.")]
