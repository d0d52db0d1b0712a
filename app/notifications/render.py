"""What one notification says and where it links, decided at read time: the bell, the list
page, the live event and the mail all call shown(). An object that was deleted since makes
the notification "no longer available" (no link, no details), never a 500."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.extensions import db
from app.models import Challenge, Clarification, Course, Notification, Round, Submission
from app.notifications.kinds import Kind, get_kind

# A reference a kind may declare in `about`: the model and the payload key of its id.
REFERENCES: dict[str, tuple[type[Any], str]] = {
    "round": (Round, "round_id"),
    "clarification": (Clarification, "clarification_id"),
    "submission": (Submission, "submission_id"),
    "course": (Course, "course_id"),
    "challenge": (Challenge, "challenge_id"),
}
UNAVAILABLE = "This notification is about something that is no longer available."


@dataclass(frozen=True)
class Shown:
    """One notification as every page and mail shows it."""

    id: int | None
    kind: str
    title: str
    link: str | None
    available: bool
    unread: bool
    count: int
    at: datetime | None


class _Blank(dict[str, Any]):
    """Format values: a key the payload lacks shows as empty, never a KeyError."""

    def __missing__(self, key: str) -> str:
        return ""


def _format(template: str, payload: dict[str, Any]) -> str:
    # Only plain {name} fields: an attribute or index lookup in a payload value is refused.
    names = [field for _, field, _, _ in string.Formatter().parse(template) if field]
    safe = _Blank({name: payload.get(name, "") for name in names if name.isidentifier()})
    return template.format_map(safe)


def available(kind: Kind, payload: dict[str, Any]) -> bool:
    """Whether every object the notification is about still exists."""
    for reference in kind.about:
        model, key = REFERENCES[reference]
        value = payload.get(key)
        if value is None or db.session.get(model, value) is None:
            return False
    return True


def title_of(kind: Kind, payload: dict[str, Any], count: int = 1) -> str:
    """The line a kind says for a payload (the collapsed form for several)."""
    template = kind.collapsed_title if count > 1 and kind.collapsed_title else kind.title
    return _format(template, {**payload, "count": count})


def link_of(kind: Kind, payload: dict[str, Any]) -> str | None:
    return _format(kind.link, payload) if kind.link else None


def shown(row: Notification) -> Shown:
    """A stored notification for its reader."""
    kind = get_kind(row.kind)
    payload = row.payload or {}
    ok = available(kind, payload)
    return Shown(
        id=row.id,
        kind=row.kind,
        title=title_of(kind, payload, row.count) if ok else UNAVAILABLE,
        link=link_of(kind, payload) if ok else None,
        available=ok,
        unread=row.read_at is None,
        count=row.count,
        at=row.updated_at,
    )
