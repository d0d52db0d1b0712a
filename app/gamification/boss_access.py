"""Who may start, watch and report on a Boss Fight.

- A course's teacher (or an admin) starts one for the course; a round's staff for the round
  (boss.start checks it, as the page does).
- The teacher (or the round's staff) sees the report and the projector link; the fight's participants see the
  fight page; the projector needs only the secret link. Anyone else gets 404.
"""

from __future__ import annotations

import hmac
from typing import Any

from sqlalchemy import or_, select

from app.challenges.access import manages_challenge
from app.contests.access import is_staff_of, managed_round
from app.courses.access import can_manage, managed_course
from app.errors import NotFound
from app.extensions import db
from app.models import BossFight, Challenge, Course, Round, User

NO_BOSS = "No such boss fight."


def host_of(user: User, course_id: int | None, round_id: int | None) -> Course | Round:
    """The course or round the user may start a fight for."""
    if round_id is not None:
        return managed_round(user, round_id)
    if course_id is None:
        raise NotFound("Pick a course or a round.")
    return managed_course(user, course_id)


def challenge_choices(user: User, host: Course | Round) -> list[Challenge]:
    """The challenges a fight may use: a round's problems, or the course's and the teacher's."""
    if isinstance(host, Round):
        return [problem.challenge for problem in host.problems]
    return list(
        db.session.scalars(
            select(Challenge)
            .where(or_(Challenge.course_id == host.id, Challenge.owner_id == user.id))
            .order_by(Challenge.title)
        )
    )


def runs(user: User, boss: BossFight) -> bool:
    """Whether the user runs this fight (its teacher, an admin, the course's teacher, or the
    round's staff: its owner and its course's teacher)."""
    if user.is_admin or boss.owner_id == user.id:
        return True
    if boss.round_id is not None:
        round_ = db.session.get(Round, boss.round_id)
        return round_ is not None and is_staff_of(user, round_)
    course = db.session.get(Course, boss.course_id) if boss.course_id else None
    return course is not None and can_manage(user, course)


def visible_boss(user: User, boss_id: int) -> BossFight:
    boss = db.session.get(BossFight, boss_id)
    if boss is None or not (runs(user, boss) or user.id in boss.participant_ids):
        raise NotFound(NO_BOSS)
    return boss


def projector_boss(boss_id: int, key: Any) -> BossFight:
    """The fight of a projector link (the key compared in constant time), or NotFound."""
    boss = db.session.get(BossFight, boss_id)
    if boss is None or not isinstance(key, str) or not hmac.compare_digest(key, boss.secret):
        raise NotFound(NO_BOSS)
    return boss


def may_use(user: User, challenge: Challenge, allowed: list[Challenge]) -> bool:
    return challenge in allowed or manages_challenge(user, challenge)
