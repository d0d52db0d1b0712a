"""Payloads of the gamification live events on user:<id> (and boss:<id>)."""

from __future__ import annotations

from typing import Any

from app.gamification import xp
from app.gamification.badges import Badge


def xp_awarded(amount: int, total: int, reason: str) -> dict[str, Any]:
    level, into, span = xp.progress(total)
    return {"type": "xp.awarded", "amount": amount, "total": total, "level": level,
            "into_level": into, "level_span": span, "reason": reason}  # fmt: skip


def level_up(level: int, total: int) -> dict[str, Any]:
    return {"type": "level.up", "level": level, "total": total}


def badge_earned(badge: Badge) -> dict[str, Any]:
    return {"type": "badge.earned", "badge": {"id": badge.id, "name": badge.name,
            "tier": badge.tier, "description": badge.description}}  # fmt: skip


def streak_updated(current: int, best: int, freezes: int, weekly: bool) -> dict[str, Any]:
    return {"type": "streak.updated", "current": current, "best": best, "freezes": freezes,
            "unit": "week" if weekly else "day"}  # fmt: skip
