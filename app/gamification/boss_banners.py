"""The "Boss Fight running" banner: the running fights a student fights in, on the pages of
their course, of the fight's challenges and on the dashboard (header_context's boss_banners)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from app.extensions import db
from app.models import BossFight, Round, utcnow


@dataclass(frozen=True)
class BossBanner:
    """One running fight as its banner shows it."""

    boss_id: int
    name: str
    minutes_left: int


def running(user_id: int, course_id: int | None = None, challenge_id: int | None = None,
            now: datetime | None = None) -> list[BossBanner]:  # fmt: skip
    """The fights running now in which this user fights: a course's (its own, or its rounds'),
    those over a challenge, or all of them; the minutes left rounded up, soonest end first."""
    now = now or utcnow()
    query = select(BossFight).where(
        BossFight.state == "running", BossFight.starts_at <= now, BossFight.ends_at > now
    )
    if course_id is not None:
        rounds = select(Round.id).where(Round.course_id == course_id)
        query = query.where(or_(BossFight.course_id == course_id, BossFight.round_id.in_(rounds)))
    fights = db.session.scalars(query.order_by(BossFight.ends_at, BossFight.id))
    return [
        BossBanner(fight.id, fight.name, math.ceil((fight.ends_at - now).total_seconds() / 60))
        for fight in fights
        if user_id in fight.participant_ids
        and (challenge_id is None or challenge_id in fight.challenge_ids)
    ]
