"""How flask-login finds the user: the session cookie, or an `Authorization: Bearer` token."""

from __future__ import annotations

from flask import Flask, Request

from app.auth import service
from app.extensions import db, login_manager
from app.models import User


def init_app(app: Flask) -> None:
    """Wire the loaders and the log-in page into flask-login."""
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "error"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load_user(user_id: str) -> User | None:
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        # A deactivated user's open sessions end at their next request.
        return user if user is not None and user.active else None

    @login_manager.request_loader
    def _load_from_token(request: Request) -> User | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        return service.user_for_token(header[len("Bearer ") :].strip())
