"""Notifications (the bell's rows), each user's choices per kind, and the outgoing-mail outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class Notification(Base):
    """One thing a user was told in the app; a collapsed flood is one row with a count."""

    __tablename__ = "notifications"
    __table_args__ = (
        # An unread row per (user, collapse key) takes later ones of its source; reading it
        # clears the key, so the next one starts a new row.
        UniqueConstraint("user_id", "collapse_key", name="uq_notifications_user_collapse_key"),
        # Sent once: a reminder's key (deadline 24 h of round 7) can never be stored twice.
        UniqueConstraint("user_id", "once_key", name="uq_notifications_user_once_key"),
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    # Ids of what it is about (round_id, clarification_id, ...) and what to say; rendered
    # at read time, so a deleted object shows as "no longer available".
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    count: Mapped[int] = mapped_column(default=1)
    collapse_key: Mapped[str | None] = mapped_column(String(120), default=None)
    once_key: Mapped[str | None] = mapped_column(String(120), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set once a digest mail listed it (or it was read first, and no digest needs it).
    digested_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(Base):
    """A user's choice for one kind (no row: the kind's defaults)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    in_app: Mapped[bool] = mapped_column(default=True)
    email: Mapped[str] = mapped_column(String(8), default="now")  # now | digest | off


class NotificationSetting(Base):
    """A user's digest rhythm and when the last digest went out."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(8), default="daily")  # daily | weekly
    last_digest_at: Mapped[datetime | None] = mapped_column(default=None)


class OutgoingMail(Base):
    """One mail to send: the row is the outbox (a lost queue entry is found here again)."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (Index("ix_outgoing_mail_status_enqueued_at", "status", "enqueued_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    to_address: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(255))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text, default="")
    # Extra headers (List-Unsubscribe, ...), as sent.
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(8), default="queued")  # queued | sent | failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    enqueued_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
