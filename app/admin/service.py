"""Admin services: every function checks that the actor is an active admin."""

from __future__ import annotations

import logging

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import or_, select

from app.auth import service as accounts
from app.errors import Conflict, Forbidden, ValidationError
from app.extensions import db
from app.models import ROLES_ALL, SiteSetting, User

log = logging.getLogger(__name__)
USERS_PER_PAGE = 50


def require_admin(actor: User | None) -> User:
    """The actor if an active admin; Forbidden otherwise."""
    if actor is None or not actor.is_authenticated or not actor.active or not actor.is_admin:
        raise Forbidden("Only admins may do this.")
    return actor


def list_users(actor: User | None, query: str = "", page: int = 1) -> Pagination:
    """A page of users, newest first, whose email or name contains query."""
    require_admin(actor)
    statement = select(User).order_by(User.created_at.desc(), User.id.desc())
    query = query.strip()
    if query:
        # Escape LIKE wildcards so a search for "a_b" means the characters, not a pattern.
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(
            or_(User.email.ilike(pattern, escape="\\"), User.name.ilike(pattern, escape="\\"))
        )
    return db.paginate(statement, page=max(page, 1), per_page=USERS_PER_PAGE, error_out=False)


def create_user(actor: User | None, email: str, name: str, role: str, password: str | None) -> User:
    """Create an account with a role; without a password the user is mailed an invitation."""
    require_admin(actor)
    user = accounts.create_user(email, password or None, role=role, name=name)
    if not password:
        _invite(user)
    return user


def resend_invite(actor: User | None, user_id: int) -> User:
    """Mail a fresh set-password link to an invited user who has not set a password yet."""
    require_admin(actor)
    user = accounts.get_user(user_id)
    if user.password_hash:
        raise Conflict(f"{user.email} has set a password already; they can reset it themselves.")
    _invite(user)
    return user


def _invite(user: User) -> None:
    """Queue the invitation (sent by the mail queue once committed)."""
    accounts.send_invite(user)
    db.session.commit()


def change_role(actor: User | None, user_id: int, role: str) -> User:
    """Give a user another role; admins can't change their own (so one admin always remains)."""
    admin = require_admin(actor)
    if role not in ROLES_ALL:
        raise ValidationError(f"Unknown role {role!r}; use one of {', '.join(ROLES_ALL)}.")
    user = accounts.get_user(user_id)
    if user.id == admin.id:
        raise Forbidden("You can't change your own role; ask another admin.")
    user.role = role
    db.session.commit()
    log.info("admin %s made %s a %s", admin.email, user.email, role)
    return user


def set_active(actor: User | None, user_id: int, active: bool) -> User:
    """Deactivate (no log-in, tokens refused, data kept) or reactivate an account."""
    admin = require_admin(actor)
    user = accounts.get_user(user_id)
    if user.id == admin.id:
        raise Forbidden("You can't deactivate your own account.")
    user.active = active
    db.session.commit()
    log.info("admin %s %s %s", admin.email, "reactivated" if active else "deactivated", user.email)
    return user


def set_signup_open(actor: User | None, is_open: bool) -> None:
    """Open or close public sign-up (closed means invite-only)."""
    require_admin(actor)
    row = db.session.get(SiteSetting, accounts.SIGNUP_OPEN_KEY)
    if row is None:
        row = SiteSetting(key=accounts.SIGNUP_OPEN_KEY)
        db.session.add(row)
    row.value = "1" if is_open else "0"
    db.session.commit()
