"""Payloads of a Boss Fight's live events on boss:<id> (`boss.hit`, `boss.state`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.gamification import boss_rules
from app.gamification.boss_rules import Hit
from app.models import BossFight


def _iso(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}Z"


def state(boss: BossFight, damage: float, now: datetime) -> dict[str, Any]:
    """Everything the projector shows: HP, time left, hints unlocked, the end and the XP each
    participant earned by it (the same for everyone; 0 while it runs)."""
    left = boss_rules.hp_left(boss.hp_max, damage)
    each = 0
    if boss.state != "running":
        each = boss_rules.reward_xp(boss.xp_reward, damage, boss.hp_max, boss.state == "defeated")
    return {
        "type": "boss.state", "boss_id": boss.id, "name": boss.name, "state": boss.state,
        "hp_max": boss.hp_max, "hp_left": left, "ends_at": _iso(boss.ends_at), "now": _iso(now),
        "hints": boss_rules.hints_unlocked(boss.hints, boss.hp_max, left),
        "xp_reward": boss.xp_reward, "xp_each": each,
    }  # fmt: skip


def hit(boss: BossFight, struck: Hit, who: str, damage: float) -> dict[str, Any]:
    """One hit for the damage feed, with the HP left after it (the counter's view)."""
    left = boss_rules.hp_left(boss.hp_max, damage)
    return {
        "type": "boss.hit", "boss_id": boss.id, "who": who, "damage": struck.damage,
        "critical": struck.critical, "hp_left": left, "hp_max": boss.hp_max,
        "hints": boss_rules.hints_unlocked(boss.hints, boss.hp_max, left),
    }  # fmt: skip
