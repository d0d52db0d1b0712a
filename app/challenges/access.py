"""Who may open a challenge and who runs it (its submissions, rejudges and overrides).

The policy, in one place:
- Admins, the challenge's author and the teacher of its course manage it: they open it even
  unpublished, see every submission to it with hidden-test detail, rejudge and override.
- Anyone else opens a challenge only once it is published; a course's challenge only if they
  are a member (or the teacher) of that course. A challenge with no course is open practice,
  even to visitors who are not signed in.
- A challenge someone may not open is NotFound (404), so a guessed slug tells nobody whether
  it exists. Staff actions on a challenge one may open but not manage are Forbidden (403).
- Who may see a submission follows from this: app/submissions/access.py.
"""

from __future__ import annotations

from flask_login import AnonymousUserMixin
from sqlalchemy import select

from app.courses.access import can_manage, is_member
from app.errors import Forbidden, NotFound
from app.extensions import db
from app.models import Challenge, Course, User

NO_CHALLENGE = "No such challenge, or it is not open to you."


def manages_challenge(user: User, challenge: Challenge) -> bool:
    """Admins, the challenge's author and the teacher of its course run its submissions."""
    if user.is_admin:
        return True
    if not user.is_staff:
        return False
    if challenge.owner_id == user.id:
        return True
    course = db.session.get(Course, challenge.course_id) if challenge.course_id else None
    return course is not None and can_manage(user, course)


def may_see_challenge(user: User | AnonymousUserMixin | None, challenge: Challenge) -> bool:
    """The one reading rule: its managers always; others once published, and then a course's
    challenge only to that course's members (a challenge with no course is open practice)."""
    signed_in = user is not None and bool(getattr(user, "is_authenticated", False))
    if signed_in and manages_challenge(user, challenge):  # type: ignore[arg-type]
        return True
    if not challenge.published:
        return False
    if challenge.course_id is None:
        return True
    if not signed_in:
        return False
    course = db.session.get(Course, challenge.course_id)
    return course is not None and (
        can_manage(user, course) or is_member(user, course)  # type: ignore[arg-type]
    )


def visible_challenge(user: User, slug: str) -> Challenge:
    """The challenge with this slug if the user may open it; NotFound otherwise."""
    challenge = db.session.scalar(select(Challenge).where(Challenge.slug == slug))
    if challenge is None or not may_see_challenge(user, challenge):
        raise NotFound(NO_CHALLENGE)
    return challenge


def require_staff(user: User) -> None:
    """Forbidden unless the user is a teacher or an admin."""
    if not user.is_staff:
        raise Forbidden("Only teachers and admins may do this.")


def require_manager(user: User, challenge: Challenge) -> None:
    """Forbidden unless the user manages this challenge's submissions."""
    if not manages_challenge(user, challenge):
        raise Forbidden(
            "Only the challenge's author, its course's teacher or an admin may do this."
        )


def managed_challenge_ids(user: User) -> list[int] | None:
    """Ids of the challenges whose submissions the user manages; None means all (admin)."""
    if user.is_admin:
        return None
    own_courses = select(Course.id).where(Course.owner_id == user.id)
    return list(
        db.session.scalars(
            select(Challenge.id).where(
                (Challenge.owner_id == user.id) | Challenge.course_id.in_(own_courses)
            )
        )
    )
