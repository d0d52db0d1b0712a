"""What a change of a player's game state tells them: live events and bell rows, sent once the
change is committed (a verdict, a boss fight's end, a contest's awards).

The bell's rows are written after the commit too, in their own transaction: the record is the
ledger and BadgeAward, the bell only tells of it, and its once keys keep a retried send from
telling twice. That keeps the verdict's transaction to the rules' own reads and writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import insert

from app.channels import user_channel
from app.extensions import db
from app.gamification import badges, events, xp
from app.live import publish
from app.models import BadgeAward, utcnow
from app.notifications.service import notify

# Unique per (user, badge): a racing award raises and the verdict is retried.
_INSERT_AWARD = insert(BadgeAward)


class Held(Protocol):
    """A Player row or its plain copy (verdict_state.PlayerState)."""

    user_id: int
    xp: int
    level: int
    badges: list[str]


@dataclass
class Outcome:
    """What changed for one user: the events to send and the bell rows to add once committed."""

    user_id: int
    events: list[dict[str, Any]] = field(default_factory=list)
    # (kind, payload, once key) for notify().
    notices: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)


def credit(player: Held, amount: int, reason: str, outcome: Outcome) -> None:
    """Add XP to the player's running total (the ledger row is the caller's); the XP event, and
    the level-up's when it came."""
    old_level = player.level or 1
    player.xp = (player.xp or 0) + amount
    player.level = xp.level_of(player.xp)
    outcome.events.append(events.xp_awarded(amount, player.xp, reason))
    if player.level > old_level:
        outcome.notices.append(("level_up", {"level": player.level}, f"level:{player.level}"))
        outcome.events.append(events.level_up(player.level, player.xp))


def award_badges(
    player: Held, facts: badges.Facts, judgement_id: int | None, outcome: Outcome
) -> None:
    """Add the badges facts newly earn: BadgeAward rows (unique per user and badge) in one
    statement, the player's copy of them, and their events."""
    found = badges.newly_earned(facts, set(player.badges or []))
    if not found:
        return
    now = utcnow()
    db.session.connection().execute(
        _INSERT_AWARD,
        [{"user_id": player.user_id, "badge_id": badge.id, "judgement_id": judgement_id,
          "earned_at": now} for badge in found],
    )  # fmt: skip
    player.badges = [*(player.badges or []), *(badge.id for badge in found)]
    for badge in found:
        outcome.notices.append(("badge_earned", {"badge_name": badge.name}, f"badge:{badge.id}"))
        outcome.events.append(events.badge_earned(badge))


def send(outcome: Outcome) -> None:
    """Once committed: the bell's rows (committed), then the live events on user:<id>."""
    for kind, payload, once_key in outcome.notices:
        notify(outcome.user_id, kind, payload, once_key=once_key)
    if outcome.notices:
        db.session.commit()
    for payload in outcome.events:
        publish(user_channel(outcome.user_id), payload)
