"""Who may see what: a submission is its owner's and its challenge's staff's; a challenge follows its course."""

from __future__ import annotations

from flask_login import AnonymousUserMixin
from sqlalchemy import select

from app.courses.access import can_manage, is_member
from app.errors import Forbidden, NotFound
from app.extensions import db
from app.models import Challenge, Course, Submission, User

NO_SUBMISSION = "No such submission, or it is not yours."
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


def may_see_submission(user: User, submission: Submission) -> bool:
    """The owner, and staff who manage the submission's challenge, may see a submission."""
    return submission.user_id == user.id or manages_challenge(user, submission.challenge)


def visible_submission(user: User, submission_id: int) -> Submission:
    """The submission if the user may see it; NotFound otherwise (existence does not leak)."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or not may_see_submission(user, submission):
        raise NotFound(NO_SUBMISSION)
    return submission


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
