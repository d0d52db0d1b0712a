"""Account services: create users, check passwords, personal API tokens."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.errors import Conflict, ValidationError
from app.extensions import db
from app.models import ROLES_ALL, ApiToken, User, utcnow

MIN_PASSWORD_LENGTH = 8


def normalize_email(email: str) -> str:
    return email.strip().lower()


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(email: str, password: str | None, *, role: str = "student", name: str = "") -> User:
    """Create and commit a user; a None password leaves an invited account without one."""
    email = normalize_email(email)
    if "@" not in email or len(email) > 254:
        raise ValidationError("Enter a valid email address.")
    if role not in ROLES_ALL:
        raise ValidationError(f"Unknown role {role!r}; use one of {', '.join(ROLES_ALL)}.")
    if find_user(email) is not None:
        raise Conflict(f"An account for {email} already exists.")
    user = User(email=email, name=name.strip(), role=role)
    if password is not None:
        validate_password(password)
        user.password_hash = generate_password_hash(password)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None."""
    user = find_user(email)
    if user is None or not user.password_hash or not user.active:
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    return user


def set_password(user: User, password: str) -> None:
    validate_password(password)
    user.password_hash = generate_password_hash(password)
    db.session.commit()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, label: str = "") -> str:
    """Create a personal API token; the plain token is returned once and never stored."""
    token = "cd_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_sha256=_digest(token), label=label[:80]))
    db.session.commit()
    return token


def user_for_token(token: str) -> User | None:
    """The active user owning this token, or None."""
    if not token:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_sha256 == _digest(token)))
    if row is None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    db.session.commit()
    return row.user
