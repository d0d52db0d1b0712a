"""Accounts: sign-up, log-in, passwords, API tokens, the `flask users` commands."""

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__, url_prefix="/auth")

from app.auth import loaders, views  # noqa: E402,F401
from app.auth.cli import users  # noqa: E402


def init_app(app: Flask) -> None:
    """Wire flask-login and register the `flask users` commands."""
    loaders.init_app(app)
    app.cli.add_command(users)
