"""Account views: log in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.auth import bp, service
from app.auth.forms import LoginForm
from app.extensions import limiter


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after log-in."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("main.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login() -> str | Response:
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user, remember=bool(form.remember.data))
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("Wrong email or password.")
    return render_template("auth/login.html", form=form), (200 if not form.errors else 400)


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Log out (POST with CSRF, so no link can log a user out)."""
    logout_user()
    flash("You are logged out.", "success")
    return redirect(url_for("main.index"))


@bp.get("/signup")
def signup() -> str:
    """Sign up (placeholder until the accounts work lands)."""
    return render_template("auth/login.html", form=LoginForm())


@bp.get("/account")
@login_required
def account() -> str:
    """The signed-in user's account page."""
    return render_template("auth/login.html", form=LoginForm())
