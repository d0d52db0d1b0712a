"""Accounts: sign-up, log-in, passwords, API tokens."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from app.auth import views  # noqa: E402,F401
from app.auth.loaders import init_app  # noqa: E402,F401
