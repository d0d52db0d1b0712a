"""Rounds: contests, timed rounds and assignments; windows, participants, clarifications."""

from flask import Blueprint, Flask

bp = Blueprint("contests", __name__, url_prefix="/rounds")


def init_app(app: Flask) -> None:
    """The round sockets (/ws/contests/<id>) and the contests CLI group (flask contests ...)."""
    from app.contests.cli import contests

    app.register_blueprint(sockets.bp)
    app.cli.add_command(contests)


from app.contests import sockets, views, views_board, views_clarifications  # noqa: E402,F401
