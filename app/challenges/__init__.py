"""Challenges: authoring services and pages, validation of reference solutions."""

from flask import Blueprint

bp = Blueprint("challenges", __name__, url_prefix="/challenges")

from app.challenges import views  # noqa: E402,F401
