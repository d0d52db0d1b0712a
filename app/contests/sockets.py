"""/ws/contests/<id>: a round's live board and announcements, as this viewer may see them.

The public channel's board notice carries participant ids only; each socket sends its viewer
the rows it may see (app/scoring/boards.py decides), built once per notice and audience in
each web process. Staff also hear the jury channel (every question and answer).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

from flask import Blueprint, abort, request
from flask_login import current_user

from app.channels import contest_channel, contest_jury_channel
from app.contests.access import visible_round
from app.contests.boards import projector_round, viewer_for
from app.errors import AppError
from app.extensions import db, sock
from app.live.groups import joined
from app.live.sockets import foreign_origin
from app.models import Round, utcnow
from app.scoring import boards
from app.scoring.freeze import PUBLIC, Viewer
from app.scoring.live import CHANGED

# Sockets live at /ws/contests/<id> (DESIGN's stable path), outside the /rounds prefix.
bp = Blueprint("contest_sockets", __name__)
_BUILT: OrderedDict[tuple[str, str], str] = OrderedDict()  # (notice id, audience) -> frame
_BUILDING: dict[tuple[str, str], threading.Event] = {}  # frames being built right now
_BUILT_LOCK = threading.Lock()
_BUILT_KEEP = 64


@bp.before_request
def _authorize_socket() -> None:
    """Refuse the handshake (403 wrong origin, 404 unknown round or key) before it opens."""
    if request.endpoint != "contest_sockets.contest_socket":
        return
    if foreign_origin():
        abort(403)
    try:
        _round_for(int((request.view_args or {})["round_id"]))
    except AppError:
        abort(404)


def _round_for(round_id: int) -> tuple[Round, Viewer]:
    key = request.args.get("key")
    if key:
        return projector_round(round_id, key), PUBLIC
    round_ = visible_round(current_user, round_id)
    return round_, viewer_for(current_user, round_)


class _Watch:
    """One socket's viewer of one round."""

    def __init__(self, round_id: int, viewer: Viewer) -> None:
        self.round_id = round_id
        self.viewer = viewer

    def frames(self, raw: str) -> list[str]:
        try:
            event = json.loads(raw)
        except ValueError:
            return []
        if not isinstance(event, dict):
            return []
        if event.get("type") != CHANGED:
            return [raw]
        try:
            return [self._update(event)]
        finally:
            db.session.remove()  # a socket lives long: hold no pooled connection meanwhile

    def _update(self, event: dict[str, Any]) -> str:
        """The update this viewer may see, built once per notice and audience per process
        (the other sockets of that audience wait for it and send the same frame)."""
        key = (str(event.get("id")), self._audience_key())
        with _BUILT_LOCK:
            frame = _BUILT.get(key)
            if frame is None:
                building = _BUILDING.get(key)
                if building is None:
                    building = _BUILDING[key] = threading.Event()
                    mine = True
                else:
                    mine = False
        if frame is not None:
            return frame
        assert building is not None
        if not mine:
            building.wait(timeout=30)
            with _BUILT_LOCK:
                frame = _BUILT.get(key)
            return frame if frame is not None else self._build(event)
        try:
            frame = self._build(event)
            with _BUILT_LOCK:
                _BUILT[key] = frame
                while len(_BUILT) > _BUILT_KEEP:
                    _BUILT.popitem(last=False)
            return frame
        finally:
            with _BUILT_LOCK:
                _BUILDING.pop(key, None)
            building.set()

    def _audience_key(self) -> str:
        if self.viewer.kind == "staff":
            return "jury"
        if self.viewer.kind == "participant":
            return f"p{self.viewer.participant_id}"  # their own row in full (while frozen)
        return "public"

    def _build(self, event: dict[str, Any]) -> str:
        round_ = db.session.get(Round, self.round_id)
        if round_ is None:
            return json.dumps({"type": "contest.state", "state": "deleted"})
        changed = [int(pid) for pid in event.get("participant_ids") or []]
        seen = boards.seen_board(round_, self.viewer, cells_of=changed)
        payload = boards.board_json(seen, utcnow(), only=changed)
        return json.dumps({"type": "scoreboard.update", "rows": payload["rows"],
                           "order": payload["order"], "problems": payload["problems"]},
                          separators=(",", ":"))  # fmt: skip


def _resync() -> str:
    return json.dumps({"type": "contest.state"})


def watch_round(ws: Any, round_id: int, viewer: Viewer) -> None:
    """Send this viewer the round's frames until the client leaves. The sockets of one audience
    in this process share a group: one thread builds each frame once and writes it to all."""
    watch = _Watch(round_id, viewer)
    channels: tuple[str, ...] = (contest_channel(round_id),)
    if viewer.kind == "staff":
        channels += (contest_jury_channel(round_id),)
    key = ("contest", round_id, watch._audience_key())
    ready = json.dumps({"type": "ready", "round_id": round_id})  # before any of the group's
    with joined(key, channels, watch.frames, _resync, ws, first=ready) as member:
        member.serve()


@sock.route("/ws/contests/<int:round_id>", bp=bp)
def contest_socket(ws: Any, round_id: int) -> None:
    """The round's board updates, state changes and announcements (staff: also the jury's)."""
    round_, viewer = _round_for(round_id)
    db.session.remove()
    watch_round(ws, round_.id, viewer)
