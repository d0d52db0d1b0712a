"""/ws/submissions/<id>: the stored state, then the live events the viewer may see."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import abort, request
from flask_login import current_user

from app.channels import submission_channel
from app.errors import AppError, NotFound
from app.extensions import db, sock
from app.live.hub import get_hub
from app.live.sockets import foreign_origin, pump
from app.models import User
from app.submissions import bp
from app.submissions.access import visible_submission
from app.submissions.state import Sight, sight, submission_state


@bp.before_request
def _authorize() -> None:
    """Refuse the socket's handshake itself (403/401/404) before any socket is opened."""
    if request.endpoint != "submissions.submission_socket":
        return  # the pages check with login_required and their services
    if foreign_origin():
        abort(403)
    if not current_user.is_authenticated:
        abort(401)
    try:
        visible_submission(current_user, int((request.view_args or {})["submission_id"]))
    except AppError:
        abort(404)


@dataclass(frozen=True)
class _Watch:
    """Who watches which submission, and what of it they may see (decided by state.sight)."""

    submission_id: int
    viewer_id: int
    sight: Sight

    def state_frame(self) -> str:
        """The stored state as a `submission.state` frame; releases the DB connection after."""
        try:
            viewer = db.session.get(User, self.viewer_id)
            if viewer is None:
                raise NotFound("No such user.")
            submission = visible_submission(viewer, self.submission_id)
            state = submission_state(submission, viewer)
            return json.dumps({"type": "submission.state", "submission": state})
        finally:
            # A socket lives for minutes: it must not hold a pooled connection meanwhile.
            db.session.remove()

    def frames(self, raw: str) -> list[str]:
        """What to send for one published event: the event as this viewer may see it."""
        try:
            event = json.loads(raw)
        except ValueError:
            return []
        if not isinstance(event, dict):
            return []
        projected = self.sight.event(event)
        # Most events pass unchanged: send them as published, without encoding them again.
        shown = raw if projected is event else json.dumps(projected, separators=(",", ":"))
        if event.get("type") in ("submission.done", "submission.override"):
            # The done event is short; the stored state adds compile output and sample outputs.
            return [shown, self.state_frame()]
        return [shown]


def _watch(submission_id: int, viewer: User) -> _Watch:
    submission = visible_submission(viewer, submission_id)
    return _Watch(submission_id, viewer.id, sight(submission, viewer))


@sock.route("/ws/submissions/<int:submission_id>", bp=bp)
def submission_socket(ws: Any, submission_id: int) -> None:
    """The submission's stored state, then its `submission.*` events as they are published."""
    watch = _watch(submission_id, current_user)
    with get_hub().listen(submission_channel(submission_id)) as inbox:
        # Subscribed first, then the snapshot: an event in between arrives twice, never zero
        # times (clients keep one row per test position).
        ws.send(watch.state_frame())
        pump(ws, inbox, watch.frames, resync=watch.state_frame)
