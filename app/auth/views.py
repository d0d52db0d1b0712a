"""Account views: sign up, log in and out, the account page, password reset."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.auth import bp, service
from app.auth.forms import (
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignupForm,
    TokenForm,
)
from app.auth.web import current_account, show_error
from app.errors import Conflict, ValidationError
from app.extensions import limiter

Page = str | Response | tuple[str, int]
# The service calls it "password"; on the account page the field is "new_password".
NEW_PASSWORD_FIELDS = {"password": "new_password"}
RESET_SENT = "If an account exists for that address, a link to reset its password is on its way."


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after log-in."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not urlsplit(target).netloc
        and not urlsplit(target).scheme
    ):
        return target
    return url_for("main.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login() -> Page:
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user, remember=bool(form.remember.data))
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("Wrong email or password.")
    return render_template("auth/login.html", form=form), (400 if form.errors else 200)


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Log out (POST with CSRF, so no link can log a user out)."""
    logout_user()
    flash("You are logged out.", "success")
    return redirect(url_for("main.index"))


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
def signup() -> Page:
    """Create a student account (when the admin keeps sign-up open)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = SignupForm()
    is_open = service.signup_open()
    if request.method == "POST" and (form.validate() or not is_open):
        # A closed sign-up refuses every post, valid or not, with the service's 403.
        try:
            user = service.sign_up(
                form.email.data or "", form.name.data or "", form.password.data or ""
            )
        except (ValidationError, Conflict) as error:
            show_error(form, error, "email")
        else:
            login_user(user)
            flash(
                "Welcome to codedev! Join a course with the code your teacher gave you.", "success"
            )
            # A student who arrived through a course join link goes back to it.
            return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.errors else 200
    return render_template("auth/signup.html", form=form, is_open=is_open), status


def _account_page(
    *,
    profile: ProfileForm | None = None,
    password: PasswordChangeForm | None = None,
    token: TokenForm | None = None,
    new_token: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    user = current_account()
    html = render_template(
        "auth/account.html",
        profile_form=profile or ProfileForm(formdata=None, name=user.name),
        password_form=password or PasswordChangeForm(formdata=None),
        token_form=token or TokenForm(formdata=None),
        tokens=service.list_tokens(user),
        new_token=new_token,
    )
    return html, status


@bp.get("/account")
@login_required
def account() -> Page:
    """The signed-in user's account page: name, password, API tokens."""
    return _account_page()


@bp.post("/account/profile")
@login_required
def update_profile() -> Page:
    """Change the name shown to others."""
    form = ProfileForm()
    if form.validate():
        try:
            service.rename(current_account(), form.name.data or "")
        except ValidationError as error:
            show_error(form, error, "name")
        else:
            flash("Your name was saved.", "success")
            return redirect(url_for("auth.account"))
    return _account_page(profile=form, status=400)


@bp.post("/account/password")
@login_required
def change_password() -> Page:
    """Change the password, given the current one."""
    form = PasswordChangeForm()
    if form.validate():
        try:
            service.change_password(
                current_account(), form.current_password.data or "", form.new_password.data or ""
            )
        except ValidationError as error:
            show_error(form, error, "new_password", renamed=NEW_PASSWORD_FIELDS)
        else:
            # Every other session (and remember-me cookie) has ended with the old password;
            # this one goes on under the new one, remembered if it was.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            login_user(current_account(), remember=remembered in request.cookies)
            flash("Your password was changed. You are logged out everywhere else.", "success")
            return redirect(url_for("auth.account"))
    return _account_page(password=form, status=400)


@bp.post("/account/tokens")
@login_required
def create_token() -> Page:
    """Create a personal API token and show it once."""
    form = TokenForm()
    if not form.validate():
        return _account_page(token=form, status=400)
    token = service.create_token(current_account(), form.label.data or "")
    return _account_page(new_token=token)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Response:
    """Revoke one of the user's API tokens."""
    service.revoke_token(current_account(), token_id)
    flash("The token was revoked; programs using it can no longer sign in.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def reset_request() -> Page:
    """Ask for a password-reset link; the answer is the same whether the address exists."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        service.request_password_reset(form.email.data or "")
        flash(RESET_SENT, "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form), (400 if form.errors else 200)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def reset_password(token: str) -> Page:
    """Set a new (or, for invited users, a first) password through a mailed link."""
    user = service.user_for_link(token)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            service.reset_password(token, form.password.data or "")
        except ValidationError as error:
            if error.field is None:  # the link itself went bad meanwhile
                raise
            show_error(form, error, "password")
        else:
            logout_user()
            login_user(user)
            flash("Your password is set.", "success")
            return redirect(url_for("main.dashboard"))
    status = 400 if form.errors else 200
    return render_template("auth/reset_password.html", form=form, user=user), status
