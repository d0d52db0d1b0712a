"""The JSON API under /api/v1: token or session auth, errors as {"error": {code, message}}."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import views  # noqa: E402,F401
