"""Submissions: the solve page, submitting, history, rejudge and override, and their state."""

from flask import Blueprint

bp = Blueprint("submissions", __name__)

from app.submissions import sockets, views  # noqa: E402,F401
