"""Rounds: contests, timed rounds and assignments; windows, participants, clarifications."""

from flask import Blueprint, Flask

bp = Blueprint("contests", __name__, url_prefix="/rounds")


def init_app(app: Flask) -> None:
    """The contests CLI group (flask contests ...)."""
    from app.contests.cli import contests

    app.cli.add_command(contests)


from app.contests import sockets, views, views_board, views_clarifications  # noqa: E402,F401
