"""Who may see and who may manage a course.

The policy, in one place:
- Admins see and manage every course.
- The owner (the teacher who created it) sees and manages it.
- An enrolled member sees the course page but not the roster, the join code or the actions;
  asking for those is 403 (they know the course exists, they just may not do this).
- Anyone else, teachers included, gets 404 for the course and everything under it, so a
  guessed course id tells nobody whether that course exists. Joining goes through the code.
"""

from __future__ import annotations

from sqlalchemy import select

from app.errors import Forbidden, NotFound
from app.extensions import db
from app.models import Course, Enrollment, User

NOT_FOUND = "No such course, or you are not in it."


def can_manage(user: User, course: Course) -> bool:
    """Whether the user may edit the course and see its roster."""
    return user.is_admin or course.owner_id == user.id


def is_member(user: User, course: Course) -> bool:
    """Whether the user is enrolled in the course."""
    enrollment_id = db.session.scalar(
        select(Enrollment.id).where(
            Enrollment.course_id == course.id, Enrollment.user_id == user.id
        )
    )
    return enrollment_id is not None


def visible_course(user: User, course_id: int) -> Course:
    """The course if the user may see it; NotFound otherwise (existence does not leak)."""
    course = db.session.get(Course, course_id)
    if course is None or not (can_manage(user, course) or is_member(user, course)):
        raise NotFound(NOT_FOUND)
    return course


def managed_course(user: User, course_id: int) -> Course:
    """The course if the user may manage it; Forbidden for members, NotFound for the rest."""
    course = visible_course(user, course_id)
    if not can_manage(user, course):
        raise Forbidden("Only the course's teacher or an admin may do this.")
    return course
