"""Live updates: one Redis subscriber thread per web process fans events out to its sockets."""

from flask import Blueprint

bp = Blueprint("live", __name__)

from app.live import sockets  # noqa: E402,F401  (registers the socket routes)
