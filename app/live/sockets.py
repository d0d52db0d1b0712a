"""Socket plumbing: pump() sends a channel's events to a client; /ws/me carries notifications.

An area's own sockets (/ws/submissions/<id> in app/submissions/sockets.py) decide what a
viewer may see and use pump() to send it; live knows no area.
"""

from __future__ import annotations

import json
import queue
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, request
from flask_login import current_user

from app.channels import user_channel
from app.extensions import db, sock
from app.live.hub import RESYNC, Inbox, get_hub

bp = Blueprint("live", __name__)

# How often a handler wakes to notice that its client went away.
IDLE_SECONDS = 2.0


def foreign_origin() -> bool:
    """Whether a socket's handshake comes from a page of another site. A browser sends Origin
    on every WebSocket handshake (and the session cookie with it); clients that are not browsers
    may send none, and authenticate by token."""
    origin = request.headers.get("Origin")
    return bool(origin) and urlsplit(origin or "").netloc != request.host


@bp.before_request
def _authorize() -> None:
    """Refuse the handshake itself (403 another site's page, 401) before a socket opens."""
    if foreign_origin():
        abort(403)
    if not current_user.is_authenticated:
        abort(401)


def pump(
    ws: Any,
    inbox: Inbox,
    frames: Callable[[str], list[str]],
    resync: Callable[[], str] | None = None,
) -> None:
    """Send what arrives in the inbox until the client leaves."""
    while ws.connected:
        try:
            item = inbox.get(timeout=IDLE_SECONDS)
        except queue.Empty:
            continue
        if inbox.dropped:
            ws.close(reason=1013, message="fell behind; reconnect")
            return
        if item is RESYNC:
            if resync is not None:
                ws.send(resync())
            continue
        for frame in frames(str(item)):
            ws.send(frame)


@sock.route("/ws/me", bp=bp)
def me_socket(ws: Any) -> None:
    """The user's own notifications (channel user:<id>)."""
    user_id = current_user.id
    db.session.remove()
    ready = json.dumps({"type": "ready", "user_id": user_id})
    with get_hub().listen(user_channel(user_id)) as inbox:
        ws.send(ready)
        # After the hub lost Redis, events may be gone: "ready" again makes the page's modules
        # re-read what they show (the bell its count), as they do after a reconnect.
        pump(ws, inbox, lambda raw: [raw], resync=lambda: ready)
