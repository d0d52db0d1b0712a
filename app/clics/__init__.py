"""The CLICS Contest API (2023-06) under /api/v1: endpoints, event feed, contest packages."""

from flask import Blueprint

bp = Blueprint("clics", __name__, url_prefix="/api/v1")

from app.clics import changes, cli, views, visible  # noqa: E402,F401
