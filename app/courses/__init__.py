"""Courses: create, join with a code, roster."""

from flask import Blueprint

bp = Blueprint("courses", __name__, url_prefix="/courses")

from app.courses import views  # noqa: E402,F401
