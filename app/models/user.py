"""Accounts, personal API tokens and site-wide settings."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow

ROLES_ALL = ("admin", "teacher", "student")


class User(UserMixin, Base):
    """A person who logs in: admin, teacher or student."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    # Empty until an invited user sets a password through the emailed link.
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[str] = mapped_column(String(16), default="student")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """What flask-login keeps in the session and the remember-me cookie: the id and a mark
        of the password, so a new password (changed or reset) ends every other session."""
        return f"{self.id}:{self.password_mark}"

    @property
    def password_mark(self) -> str:
        """A keyed digest of the password hash: it changes with the password, reveals nothing."""
        key = str(current_app.secret_key).encode()
        return hmac.new(key, self.password_hash.encode(), hashlib.sha256).hexdigest()[:24]

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_staff(self) -> bool:
        """Admins and teachers author challenges and run courses."""
        return self.role in ("admin", "teacher")

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@", 1)[0]


class ApiToken(Base):
    """A personal API token; only its sha256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship(back_populates="tokens")


class SiteSetting(Base):
    """A site-wide setting the admin changes at run time (e.g. whether sign-up is open)."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
