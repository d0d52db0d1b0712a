"""Admin views: users (search, create, role, deactivate) and site settings."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.admin import bp, service
from app.admin.forms import CreateUserForm, SettingsForm
from app.auth import service as accounts
from app.auth.web import current_account, role_required, show_error
from app.errors import Conflict, ValidationError
from app.models import ROLES_ALL

Page = str | Response | tuple[str, int]


def _users_page(form: CreateUserForm | None = None, status: int = 200) -> tuple[str, int]:
    query = request.args.get("q", "")
    page = request.args.get("page", 1, type=int) or 1
    users = service.list_users(current_account(), query, page)
    html = render_template(
        "admin/users.html",
        users=users,
        query=query,
        form=form or CreateUserForm(formdata=None),
        roles=ROLES_ALL,
    )
    return html, status


@bp.get("/")
@role_required("admin")
def index() -> Response:
    """The admin start page is the user list."""
    return redirect(url_for("admin.users"))


@bp.get("/users")
@role_required("admin")
def users() -> Page:
    """List and search users; the form to create one."""
    return _users_page()


@bp.post("/users")
@role_required("admin")
def create_user() -> Page:
    """Create an account with a role (mailing an invitation when no password is given)."""
    form = CreateUserForm()
    if form.validate():
        try:
            user = service.create_user(
                current_account(),
                form.email.data or "",
                form.name.data or "",
                form.role.data or "",
                form.password.data or None,
            )
        except (ValidationError, Conflict) as error:
            show_error(form, error, "email")
        else:
            how = "with the password you gave" if user.password_hash else "and invited by mail"
            flash(f"Created {user.role} {user.email} {how}.", "success")
            return redirect(url_for("admin.users"))
    return _users_page(form, status=400)


@bp.post("/users/<int:user_id>/role")
@role_required("admin")
def change_role(user_id: int) -> Response:
    """Give a user another role."""
    user = service.change_role(current_account(), user_id, request.form.get("role", ""))
    flash(f"{user.email} is now a {user.role}.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/active")
@role_required("admin")
def set_active(user_id: int) -> Response:
    """Deactivate or reactivate an account."""
    active = request.form.get("active") == "1"
    user = service.set_active(current_account(), user_id, active)
    flash(f"{user.email} is {'active again' if active else 'deactivated'}.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/invite")
@role_required("admin")
def resend_invite(user_id: int) -> Response:
    """Mail an invited user a fresh set-password link."""
    user = service.resend_invite(current_account(), user_id)
    flash(f"A new invitation was mailed to {user.email}.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/settings", methods=["GET", "POST"])
@role_required("admin")
def settings() -> Page:
    """Site-wide settings: whether sign-up is open."""
    form = SettingsForm()
    if form.validate_on_submit():
        service.set_signup_open(current_account(), bool(form.signup_open.data))
        flash("Settings saved.", "success")
        return redirect(url_for("admin.settings"))
    if request.method == "GET":
        form.signup_open.data = accounts.signup_open()
    return render_template("admin/settings.html", form=form), (400 if form.errors else 200)
