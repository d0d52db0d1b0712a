"""/ws/boss/<id>: a Boss Fight's hits and state, for the projector (?key=) and the class.

The socket sends the state first, then every event of boss:<id>. While it waits it also
watches the clock: when the window closes, the first socket to notice ends the fight
(settle_if_over is idempotent), so an escape needs no job and no page reload.
"""

from __future__ import annotations

import json
import queue
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, request
from flask_login import current_user

from app.channels import boss_channel
from app.errors import AppError
from app.extensions import db, sock
from app.gamification import boss, boss_access, boss_end, boss_events
from app.live.hub import RESYNC, get_hub
from app.live.sockets import IDLE_SECONDS, foreign_origin
from app.models import BossFight, utcnow

bp = Blueprint("boss_sockets", __name__)


@bp.before_request
def _authorize() -> None:
    """Refuse the handshake (403 wrong origin, 404 unknown fight or key) before it opens."""
    if foreign_origin():
        abort(403)
    try:
        _fight(int((request.view_args or {})["boss_id"]))
    except AppError:
        abort(404)


def _fight(boss_id: int) -> None:
    key = request.args.get("key")
    if key:
        boss_access.projector_boss(boss_id, key)
    elif current_user.is_authenticated:
        boss_access.visible_boss(current_user, boss_id)
    else:
        abort(401)


def _state(boss_id: int) -> str:
    fight = boss_end.settle_if_over(boss_id)
    assert fight is not None
    frame = json.dumps(boss_events.state(fight, boss.current_damage(boss_id), utcnow()))
    db.session.remove()
    return frame


@sock.route("/ws/boss/<int:boss_id>", bp=bp)
def boss_socket(ws: Any, boss_id: int) -> None:
    """The fight's state, then its events; the clock is checked while idle."""
    ends_at = _ends_at(boss_id)
    with get_hub().listen(boss_channel(boss_id)) as inbox:
        ws.send(_state(boss_id))
        while ws.connected:
            try:
                item = inbox.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                if ends_at is not None and utcnow() > ends_at:
                    ws.send(_state(boss_id))  # ends the fight if nobody has yet
                    ends_at = None
                continue
            if inbox.dropped:
                ws.close(reason=1013, message="fell behind; reconnect")
                return
            ws.send(_state(boss_id) if item is RESYNC else str(item))


def _ends_at(boss_id: int) -> datetime | None:
    fight = db.session.get(BossFight, boss_id)
    ends_at = fight.ends_at if fight is not None and fight.state == "running" else None
    db.session.remove()
    return ends_at
