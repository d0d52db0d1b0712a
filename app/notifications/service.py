"""notify() and the bell's reads and writes: unread count, latest, a page, mark read.

notify() works inside the caller's transaction: the row (and the mail, when the user's
choice is "now") commit with what they report, and the live `notification` event and the
mail job go out only after that commit (outbox.after_commit). A flood from one source is
collapsed by a collapse key: while the user has not read the row of that key, later ones
add to its count instead of adding rows and mails. A once key makes a row unique for ever
(a reminder is sent once, whichever worker gets there first).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.channels import user_channel
from app.errors import NotFound
from app.extensions import db
from app.live import publish
from app.models import Notification, User, utcnow
from app.notifications import events, mails
from app.notifications.kinds import get_kind
from app.notifications.outbox import after_commit
from app.notifications.preferences import choice_for

log = logging.getLogger(__name__)

LATEST = 8
PAGE_SIZE = 30


def notify(
    user: User | int,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    collapse_key: str | None = None,
    once_key: str | None = None,
) -> Notification | None:
    """Tell a user about something, by the channels their preferences choose for the kind;
    None when nothing was stored (in-app off, or the once key was used already)."""
    declared = get_kind(kind)
    user_id = user if isinstance(user, int) else user.id
    payload = dict(payload or {})
    in_app, email = choice_for(user_id, declared)
    if once_key is not None and _once_used(user_id, once_key):
        return None
    row: Notification | None = None
    collapsed = False
    if in_app:
        row, collapsed = _store(user_id, kind, payload, collapse_key, once_key)
        if row is None:
            return None  # another worker stored the once key first
        count = unread_count(user_id)
        event = events.notification(row, count)
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        after_commit(lambda: publish(user_channel(user_id, app), event, app))
    if email == "now" and not collapsed:
        mails.queue_notification_mail(user_id, declared, payload)
    return row


def _once_used(user_id: int, once_key: str) -> bool:
    found = db.session.scalar(
        select(Notification.id).where(
            Notification.user_id == user_id, Notification.once_key == once_key
        )
    )
    return found is not None


def _store(
    user_id: int,
    kind: str,
    payload: dict[str, Any],
    collapse_key: str | None,
    once_key: str | None,
) -> tuple[Notification | None, bool]:
    """The new or collapsed row, and whether it was collapsed into an unread one."""
    if collapse_key is not None:
        existing = _unread_of(user_id, collapse_key)
        if existing is not None:
            return _collapse(existing, payload), True
    # Insert-or-nothing rather than a savepoint (pysqlite's savepoints don't nest in the
    # caller's transaction): a concurrent twin with the same key makes this a no-op.
    insert = (
        postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    now = utcnow()
    stored = db.session.execute(
        insert(Notification)
        .values(
            user_id=user_id,
            kind=kind,
            payload=payload,
            count=1,
            collapse_key=collapse_key,
            once_key=once_key,
            created_at=now,
            updated_at=now,
        )  # fmt: skip
        .on_conflict_do_nothing()
        .returning(Notification.id)
    ).scalar()
    if stored is None:
        if collapse_key is not None and (existing := _unread_of(user_id, collapse_key)):
            return _collapse(existing, payload), True
        return None, False
    return db.session.get_one(Notification, stored), False


def _unread_of(user_id: int, collapse_key: str) -> Notification | None:
    return db.session.scalar(
        select(Notification)
        .where(Notification.user_id == user_id, Notification.collapse_key == collapse_key)
        .with_for_update()
    )


def _collapse(row: Notification, payload: dict[str, Any]) -> Notification:
    row.count += 1
    row.payload = {**row.payload, **payload, "first": row.payload.get("first", row.payload)}
    row.updated_at = utcnow()
    db.session.flush()
    return row


def unread_count(user_id: int) -> int:
    """How many of the user's notifications are unread (a collapsed row counts once)."""
    return int(
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def latest(user: User, limit: int = LATEST) -> Sequence[Notification]:
    """The newest notifications, for the bell's dropdown."""
    return db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.updated_at.desc(), Notification.id.desc())
        .limit(limit)
    ).all()


def page_of(user: User, page: int = 1) -> Pagination:
    """One page of every notification of the user, newest first."""
    query = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.updated_at.desc(), Notification.id.desc())
    )
    return db.paginate(query, page=max(1, page), per_page=PAGE_SIZE, error_out=False)


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (again is fine); NotFound for others'."""
    row = db.session.get(Notification, notification_id)
    if row is None or row.user_id != user.id:
        raise NotFound("No such notification.")
    if row.read_at is None:
        row.read_at = utcnow()
        row.collapse_key = None  # what comes next from that source starts a new row
        _after_change(user.id)
    db.session.commit()
    return row


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user read; how many were."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow(), collapse_key=None)
    )
    changed = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if changed:
        _after_change(user.id)
    db.session.commit()
    return changed


def _after_change(user_id: int) -> None:
    """Every open tab of the user shows the new count (read in one, gone in all)."""
    db.session.flush()
    event = events.count(unread_count(user_id))
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    after_commit(lambda: publish(user_channel(user_id, app), event, app))
