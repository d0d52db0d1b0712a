"""Each user's choice per kind (in the app; mail now, in the digest, or off), and the signed
(user, kind) unsubscribe token of notification mail.

Policy: a kind that may not be turned off (security mail) always uses its defaults, whatever
a row or a form says. A kind off in the app has no row, so it can't be in a digest either.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.errors import ValidationError
from app.extensions import db
from app.models import NotificationPreference, NotificationSetting, User
from app.notifications.kinds import DIGEST, EMAIL_CHOICES, KINDS, Kind, get_kind

DIGEST_CHOICES = ("daily", "weekly")
_SALT = "codedev.unsubscribe"


@dataclass(frozen=True)
class Choice:
    """What the preferences page shows for one kind."""

    kind: Kind
    in_app: bool
    email: str


def choice_for(user_id: int, kind: Kind) -> tuple[bool, str]:
    """(in the app, mail) for one user and kind."""
    if kind.is_security:
        return kind.in_app, kind.email
    row = db.session.get(NotificationPreference, (user_id, kind.name))
    if row is None:
        return kind.in_app, kind.email
    email = row.email if row.in_app or row.email == "now" else "off"  # no row: no digest
    return row.in_app, email


def choices(user: User) -> list[Choice]:
    """Every kind with the user's choice, in declaration order (grouped on the page)."""
    return [Choice(kind, *choice_for(user.id, kind)) for kind in KINDS.values()]


def digest_of(user_id: int) -> NotificationSetting:
    """The user's digest setting (daily unless chosen), added to the session if new."""
    setting = db.session.get(NotificationSetting, user_id)
    if setting is None:
        setting = NotificationSetting(user_id=user_id, digest="daily")
        db.session.add(setting)
    return setting


def save_choices(
    user: User, chosen: dict[str, tuple[bool, str]], digest: str | None = None
) -> None:
    """Store the user's choices (kinds that can't be turned off are ignored) and commit."""
    for name, (in_app, email) in chosen.items():
        kind = get_kind(name)
        if kind.is_security:
            continue
        if email not in EMAIL_CHOICES:
            raise ValidationError(f"Choose one of {', '.join(EMAIL_CHOICES)}.", field=name)
        _set(user.id, kind, in_app=in_app, email=email)
    if digest is not None:
        if digest not in DIGEST_CHOICES:
            raise ValidationError("Choose a daily or a weekly digest.", field="digest")
        digest_of(user.id).digest = digest
    db.session.commit()


def _set(user_id: int, kind: Kind, *, in_app: bool | None = None, email: str | None = None) -> None:
    row = db.session.get(NotificationPreference, (user_id, kind.name))
    if row is None:
        row = NotificationPreference(user_id=user_id, kind=kind.name,
                                     in_app=kind.in_app, email=kind.email)  # fmt: skip
        db.session.add(row)
    if in_app is not None:
        row.in_app = in_app
    if email is not None:
        row.email = email


# ---- one-click unsubscribe (RFC 8058) ---------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    """A signed (user, kind) token: whoever holds the mail may stop that kind of mail."""
    return str(_serializer().dumps({"u": user_id, "k": kind}))


@dataclass(frozen=True)
class Unsubscribe:
    """What a valid token is for."""

    user: User
    kind: str  # a kind's name or DIGEST

    @property
    def label(self) -> str:
        return "the digest" if self.kind == DIGEST else f"“{KINDS[self.kind].label}”"


def read_token(token: str) -> Unsubscribe:
    """The (user, kind) of a token; ValidationError if forged, malformed or expired."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["UNSUBSCRIBE_TOKEN_MAX_AGE"])
    except SignatureExpired:
        raise ValidationError(
            "This unsubscribe link has expired. Nothing was changed: log in and choose what "
            "mail you get on the notification settings page."
        ) from None
    except BadSignature:
        data = None
    kind = data.get("k") if isinstance(data, dict) else None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or (kind != DIGEST and (kind not in KINDS or KINDS[kind].is_security)):
        raise ValidationError(
            "This unsubscribe link is not valid. Nothing was changed: log in and choose what "
            "mail you get on the notification settings page."
        )
    return Unsubscribe(user, kind)


def unsubscribe(token: str) -> Unsubscribe:
    """Stop the token's kind of mail at once (the digest: every kind sent in it)."""
    found = read_token(token)
    user_id = found.user.id
    if found.kind == DIGEST:
        for kind in KINDS.values():
            if not kind.is_security and choice_for(user_id, kind)[1] == "digest":
                _set(user_id, kind, email="off")
    else:
        _set(user_id, get_kind(found.kind), email="off")
    db.session.commit()
    return found
