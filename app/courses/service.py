"""Course services: who teaches and who takes which course."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from app.extensions import db
from app.models import Course, Enrollment, User


def courses_taught_by(user: User) -> Sequence[Course]:
    """Courses the user owns (admins see every course)."""
    query = select(Course).order_by(Course.created_at.desc())
    if not user.is_admin:
        query = query.where(Course.owner_id == user.id)
    return db.session.scalars(query).all()


def courses_taken_by(user: User) -> Sequence[Course]:
    """Courses the user is enrolled in."""
    return db.session.scalars(
        select(Course)
        .join(Enrollment, Enrollment.course_id == Course.id)
        .where(Enrollment.user_id == user.id)
        .order_by(Course.name)
    ).all()
