"""Courses and who is enrolled in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.user import User


class Course(Base):
    """A class a teacher runs; students join it with its join code."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    join_code: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    archived: Mapped[bool] = mapped_column(default=False)
    # Submissions per student per minute on this course's challenges; None = the site default.
    submission_rate_per_minute: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Gamification: off hides XP and boards for the course. The IANA zone is its students'
    # default for streak days; weekly streaks suit classes; rest days never break a streak.
    gamification: Mapped[bool] = mapped_column(default=True, server_default=true())
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    weekly_streaks: Mapped[bool] = mapped_column(default=False, server_default=false())
    rest_days: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # The course board: "relative" (you and 3 neighbours each side), "top" (top N) or "full".
    board_mode: Mapped[str] = mapped_column(
        String(16), default="relative", server_default="relative"
    )
    board_top_n: Mapped[int] = mapped_column(default=10, server_default="10")

    owner: Mapped[User] = relationship()
    enrollments: Mapped[list[Enrollment]] = relationship(
        back_populates="course", cascade="all, delete-orphan"
    )


class Enrollment(Base):
    """A user's membership of a course (students; teaching assistants later)."""

    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("course_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="student")
    # The student's section (lab group, class period): a round's board filters by it, and the
    # CLICS API serves sections as groups. Empty: none.
    section: Mapped[str] = mapped_column(String(40), default="", server_default="")
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(back_populates="enrollments")
    user: Mapped[User] = relationship()
