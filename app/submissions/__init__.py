"""Submissions: the solve page, submitting, history, rejudge and override, their state and events."""

from flask import Blueprint, Flask

from app.judging.consequences import AFTER_COMMIT, register

bp = Blueprint("submissions", __name__)


def init_app(app: Flask) -> None:
    """Register the submission's consequences of a verdict: its live events."""
    register(app, AFTER_COMMIT, events.announce)


from app.submissions import events, sockets, views  # noqa: E402,F401
