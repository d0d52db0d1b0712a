"""Course views (placeholder until the courses work lands)."""

from __future__ import annotations

from flask import abort

from app.courses import bp


@bp.get("/new")
def create() -> str:
    """Create a course."""
    abort(404)


@bp.get("/join")
def join() -> str:
    """Join a course with a code."""
    abort(404)


@bp.get("/<int:course_id>")
def show(course_id: int) -> str:
    """A course's page."""
    abort(404)
