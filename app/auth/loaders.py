"""How flask-login finds the user: the session cookie, or an `Authorization: Bearer` token."""

from __future__ import annotations

import hmac

from flask import Flask, Request, flash, jsonify, redirect, request
from flask.typing import ResponseReturnValue
from flask_login import login_url, login_user, user_loaded_from_cookie

from app.auth import service
from app.extensions import db, login_manager
from app.models import User


def init_app(app: Flask) -> None:
    """Wire the loaders and the log-in page into flask-login."""
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "error"
    login_manager.session_protection = "strong"

    @login_manager.unauthorized_handler
    def _unauthorized() -> ResponseReturnValue:
        # A page's script fetching a .json resource after its session ended gets a 401, no session
        # change: the log-in redirect's flash would set a new session cookie, which a log-in
        # form opened meanwhile in the same browser then no longer matches (CSRF 400).
        if request.path.endswith(".json"):
            return jsonify(error={"code": "unauthorized", "message": "Log in first."}), 401
        flash(login_manager.login_message, login_manager.login_message_category)
        return redirect(login_url(login_manager.login_view, next_url=request.url))

    @login_manager.user_loader
    def _load_user(session_id: str) -> User | None:
        user_id, _, mark = session_id.partition(":")
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        # A deactivated user's open sessions end at their next request; so do the sessions
        # opened before the password last changed (User.get_id).
        if user is None or not user.active:
            return None
        return user if hmac.compare_digest(mark, user.password_mark) else None

    @user_loaded_from_cookie.connect_via(app)
    def _bind_remembered_session(sender: Flask, user: User) -> None:
        # flask-login restores a remembered user without binding the new session to this
        # browser, so "strong" session protection ended it on the very next request
        # (flask-login #248, #685). Bind it as a login does, not fresh: a password is still
        # asked where freshness matters.
        login_user(user, remember=False, fresh=False)

    @login_manager.request_loader
    def _load_from_token(request: Request) -> User | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        return service.user_for_token(header[len("Bearer ") :].strip())
