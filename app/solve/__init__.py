"""The solve page (statement, editor, run and submit) and submission history."""

from flask import Blueprint

bp = Blueprint("solve", __name__)

from app.solve import views  # noqa: E402,F401
