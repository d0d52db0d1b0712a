"""A course's gamification settings: on/off, its board, its zone, weekly streaks, rest days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from app.errors import ValidationError
from app.extensions import db
from app.gamification import streaks
from app.gamification.boards import MODES
from app.models import Course


@dataclass(frozen=True)
class CourseGame:
    gamification: bool
    board_mode: str
    board_top_n: int
    time_zone: str
    weekly_streaks: bool
    rest_days: list[str]

    @classmethod
    def of_form(cls, form: Any) -> CourseGame:
        return cls(
            bool(form.gamification.data), form.board_mode.data or "relative",
            form.board_top_n.data or 10, (form.time_zone.data or "").strip(),
            bool(form.weekly_streaks.data), parse_days(form.rest_days.data or ""),
        )  # fmt: skip


def parse_days(text: str) -> list[str]:
    """Rest days, one ISO date a line, sorted and without repeats."""
    days = set()
    for line in text.replace(",", "\n").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            days.add(date.fromisoformat(line).isoformat())
        except ValueError:
            raise ValidationError(
                f"Not a date: {line} (use YYYY-MM-DD).", field="rest_days"
            ) from None
    return sorted(days)


def form_data(course: Course) -> SimpleNamespace:
    """The course's settings as the form shows them."""
    return SimpleNamespace(
        gamification=course.gamification, board_mode=course.board_mode,
        board_top_n=course.board_top_n, time_zone=course.time_zone,
        weekly_streaks=course.weekly_streaks, rest_days="\n".join(course.rest_days or []),
    )  # fmt: skip


def update(course: Course, settings: CourseGame) -> None:
    """Save a course's gamification settings."""
    if settings.board_mode not in MODES:
        raise ValidationError("Unknown board mode.", field="board_mode")
    if not streaks.is_zone(settings.time_zone):
        raise ValidationError("Unknown time zone.", field="time_zone")
    course.gamification = settings.gamification
    course.board_mode, course.board_top_n = settings.board_mode, settings.board_top_n
    course.time_zone, course.weekly_streaks = settings.time_zone, settings.weekly_streaks
    course.rest_days = settings.rest_days
    db.session.commit()
