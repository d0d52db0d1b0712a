"""Account services: users, sign-up, passwords, personal API tokens, reset and invite links."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Sequence

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.models import ROLES_ALL, ApiToken, SiteSetting, User, utcnow
from app.notifications.kinds import get_kind
from app.notifications.mails import queue_account_mail
from app.notifications.service import notify

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
SIGNUP_OPEN_KEY = "signup_open"
# Permissive on purpose: schools run internal domains (.local, single labels) that strict
# validators refuse; a wrong address shows up as an undelivered link, not a security hole.
_EMAIL_RE = re.compile(
    r"^[^@\s]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)
# Link kinds: a salt each, so a reset link can't be replayed as a longer-lived invite.
_LINK_SALTS = {"reset": "codedev.password-reset", "invite": "codedev.invite"}


def normalize_email(email: str) -> str:
    """The stored form of an address: trimmed and lower-case."""
    return email.strip().lower()


def validate_email(email: str) -> None:
    """Raise ValidationError unless email looks like a deliverable address."""
    if len(email) > 254 or not _EMAIL_RE.match(email):
        raise ValidationError("Enter a valid email address.", field="email")


def validate_password(password: str) -> None:
    """Raise ValidationError for a password that is too short (or absurdly long)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters.", field="password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(
            f"The password may have at most {MAX_PASSWORD_LENGTH} characters.", field="password"
        )


def find_user(email: str) -> User | None:
    """The user with this email (any case), or None."""
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def get_user(user_id: int) -> User:
    """The user with this id; NotFound otherwise."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def create_user(email: str, password: str | None, *, role: str = "student", name: str = "") -> User:
    """Create and commit a user; a None password leaves an invited account without one."""
    email = normalize_email(email)
    validate_email(email)
    if role not in ROLES_ALL:
        raise ValidationError(
            f"Unknown role {role!r}; use one of {', '.join(ROLES_ALL)}.", field="role"
        )
    if len(name.strip()) > 120:
        raise ValidationError("The name may have at most 120 characters.", field="name")
    if find_user(email) is not None:
        raise Conflict(f"An account for {email} already exists.")
    user = User(email=email, name=name.strip(), role=role)
    if password is not None:
        validate_password(password)
        user.password_hash = generate_password_hash(password)
    db.session.add(user)
    db.session.commit()
    return user


def signup_open() -> bool:
    """Whether anyone may sign up: the admin's switch, else the SIGNUP_OPEN setting."""
    row = db.session.get(SiteSetting, SIGNUP_OPEN_KEY)
    if row is None:
        return bool(current_app.config["SIGNUP_OPEN"])
    return row.value == "1"


def sign_up(email: str, name: str, password: str) -> User:
    """Create a student account for a visitor, if sign-up is open."""
    if not signup_open():
        raise Forbidden("Sign-up is closed on this site; ask a teacher or admin for an invitation.")
    if not name.strip():
        raise ValidationError("Enter your name.", field="name")
    return create_user(email, password, role="student", name=name)


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None."""
    user = find_user(email)
    if user is None or not user.password_hash or not user.active:
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    return user


def set_password(user: User, password: str) -> None:
    """Set a new password (no check of the old one) and commit; a changed one (not an invited
    user's first) is told to its owner by security mail, in case it was not them."""
    validate_password(password)
    changed = bool(user.password_hash)
    user.password_hash = generate_password_hash(password)
    if changed:
        notify(user, "password_changed", {})
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    """Change the password after checking the current one."""
    if not user.password_hash or not check_password_hash(user.password_hash, current):
        raise ValidationError("The current password is wrong.", field="current_password")
    set_password(user, new)


def rename(user: User, name: str) -> None:
    """Change the name shown to others."""
    name = name.strip()
    if not name:
        raise ValidationError("Enter your name.", field="name")
    if len(name) > 120:
        raise ValidationError("The name may have at most 120 characters.", field="name")
    user.name = name
    db.session.commit()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, label: str = "") -> str:
    """Create a personal API token; the plain token is returned once and never stored."""
    token = "cd_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_sha256=_digest(token), label=label.strip()[:80]))
    db.session.commit()
    return token


def list_tokens(user: User) -> Sequence[ApiToken]:
    """The user's tokens, newest first (their hashes only)."""
    return db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()


def revoke_token(user: User, token_id: int) -> None:
    """Delete one of the user's own tokens; other users' tokens are NotFound."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound("No such token.")
    db.session.delete(row)
    db.session.commit()


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


def _serializer(kind: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_LINK_SALTS[kind])


def _fingerprint(user: User) -> str:
    """Changes whenever the password does, so a link works once."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()[:24]


def _link(user: User, kind: str) -> str:
    token = _serializer(kind).dumps({"u": user.id, "p": _fingerprint(user)})
    return f"{current_app.config['BASE_URL'].rstrip('/')}/auth/reset/{token}"


def invite_link(user: User) -> str:
    """A link where an invited user sets a first password (valid INVITE_TOKEN_MAX_AGE)."""
    return _link(user, "invite")


def reset_link(user: User) -> str:
    """A one-time password-reset link (valid RESET_TOKEN_MAX_AGE)."""
    return _link(user, "reset")


def user_for_link(token: str) -> User:
    """The user a reset or invite link is for; ValidationError if expired, used or forged."""
    ages = {
        "reset": current_app.config["RESET_TOKEN_MAX_AGE"],
        "invite": current_app.config["INVITE_TOKEN_MAX_AGE"],
    }
    for kind, max_age in ages.items():
        try:
            data = _serializer(kind).loads(token, max_age=max_age)
        except SignatureExpired as error:
            raise ValidationError(
                "This link has expired. Ask for a new one on the “Forgot your password?” page."
            ) from error
        except BadSignature:
            continue
        user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
        if user is None or not user.active or data.get("p") != _fingerprint(user):
            break
        return user
    raise ValidationError(
        "This link is not valid or was already used. Ask for a new one on the “Forgot your password?” page."
    )


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset or invite link, which then stops working."""
    user = user_for_link(token)
    set_password(user, password)
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link if an active account has this address; the caller learns nothing."""
    user = find_user(email)
    if user is None or not user.active:
        log.info("password reset asked for unknown or inactive address")
        return
    body = (
        f"Hello {user.display_name},\n\n"
        "Someone (hopefully you) asked to reset your codedev password. Open this link to choose "
        "a new one:\n\n"
        f"{reset_link(user)}\n\n"
        f"The link works once and expires in {current_app.config['RESET_TOKEN_MAX_AGE'] // 60} "
        "minutes. If you did not ask for it, ignore this mail; your password stays as it is.\n"
    )
    # Queued, never sent in the request: the answer takes as long whether the address exists
    # or not, and a slow mail server delays no one.
    queue_account_mail(user, get_kind("password_reset"), "Reset your codedev password", body)
    db.session.commit()


def send_invite(user: User, course_name: str | None = None) -> None:
    """Queue the mail telling a user they were added (to course_name), in the caller's
    transaction (sent once it commits); invited users get a set-password link."""
    where = f"the course “{course_name}” on codedev" if course_name else "codedev"
    if user.password_hash:
        action = f"Log in as usual at {current_app.config['BASE_URL'].rstrip('/')}/auth/login"
    else:
        days = current_app.config["INVITE_TOKEN_MAX_AGE"] // 86400
        action = (
            f"Choose your password here (the link works once, for {days} days):\n\n"
            f"{invite_link(user)}"
        )
    body = f"Hello {user.display_name},\n\nYou were added to {where}.\n{action}\n"
    queue_account_mail(user, get_kind("account_invite"), f"You were added to {where}", body)
