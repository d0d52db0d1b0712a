"""Payloads of the `notification` live event on `user:<id>` (DESIGN.md: with the unread count)."""

from __future__ import annotations

from typing import Any

from app.models import Notification
from app.notifications.render import shown


def notification(row: Notification, unread: int) -> dict[str, Any]:
    """`notification`: a new (or collapsed) one, and the user's unread count with it."""
    seen = shown(row)
    return {
        "type": "notification",
        "unread": unread,
        "notification": {
            "id": seen.id,
            "kind": seen.kind,
            "title": seen.title,
            "link": seen.link,
            "count": seen.count,
        },
    }


def count(unread: int) -> dict[str, Any]:
    """`notification` with only the count: read elsewhere (another tab, mark all read)."""
    return {"type": "notification", "unread": unread, "notification": None}
