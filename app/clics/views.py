"""CLICS Contest API views: /api/v1 is a CLICS base URL (GET everywhere; the event feed)."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from flask import Response, current_app, jsonify, request, stream_with_context
from sqlalchemy import and_, or_, select

from app.clics import bp, contest_patch, feed, objects, service, writes
from app.clics.access import access
from app.clics.roles import Unauthorized, client, contest_for, role_in
from app.contests.access import may_see_round
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.models import Round, Submission, User, utcnow
from app.programs import files_of


@bp.after_request
def _cors(response: Response) -> Response:
    # The spec asks for cross-origin reads: presentation clients run in other origins.
    response.headers.setdefault("Access-Control-Allow-Origin", "*")
    return response


def _filtered(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Filter a collection on its ID properties given as query arguments ("" means null)."""
    for name, wanted in request.args.items():
        if name.endswith("_id") and name != "group_id":
            items = [i for i in items if name in i and (i[name] or "") == wanted]
    return items


@bp.get("")
@bp.get("/")
def api_information() -> Response:
    """CLICS API information: the version and the provider."""
    return jsonify(objects.api_information())


@bp.get("/contests")
def contests() -> Response:
    """Every round this client may see, as CLICS contests."""
    user = client()
    rounds = db.session.scalars(db.select(Round).order_by(Round.id))
    return jsonify([objects.contest(r) for r in rounds if may_see_round(user, r)])


@bp.get("/contests/<contest_id>")
def contest(contest_id: str) -> Response:
    """One contest."""
    round_, _ = contest_for(client(), contest_id)
    return jsonify(objects.contest(round_))


@bp.get("/contests/<contest_id>/access")
def contest_access(contest_id: str) -> Response:
    """What this client is served and may do in this contest."""
    round_, role = contest_for(client(), contest_id)
    return jsonify(access(round_, role))


@bp.get("/contests/<contest_id>/state")
def state(contest_id: str) -> Response:
    """The contest state now."""
    round_, _ = contest_for(client(), contest_id)
    return jsonify(service.state_at(round_, utcnow()))


@bp.get("/contests/<contest_id>/scoreboard")
def scoreboard(contest_id: str) -> Response:
    """The scoreboard this client's role sees, or one group's (group_id)."""
    round_, role = contest_for(client(), contest_id)
    return jsonify(service.scoreboard(round_, role, utcnow(), request.args.get("group_id")))


@bp.get(
    "/contests/<contest_id>/<any(" + ",".join(f'"{c}"' for c in service.COLLECTIONS) + "):endpoint>"
)
def collection(contest_id: str, endpoint: str) -> Response:
    """A collection endpoint, as this client's role sees it (ID properties filter it)."""
    round_, role = contest_for(client(), contest_id)
    return jsonify(_filtered(service.collection(round_, role, endpoint, utcnow())))


@bp.get(
    "/contests/<contest_id>/<any("
    + ",".join(f'"{c}"' for c in service.COLLECTIONS)
    + "):endpoint>/<object_id>"
)
def element(contest_id: str, endpoint: str, object_id: str) -> Response:
    """One object of a collection endpoint."""
    round_, role = contest_for(client(), contest_id)
    for item in service.collection(round_, role, endpoint, utcnow()):
        if item.get("id") == object_id:
            return jsonify(item)
    raise NotFound(f"No {endpoint} {object_id!r} in this contest.")


@bp.get("/contests/<contest_id>/submissions/<submission_id>/files")
def submission_files(contest_id: str, submission_id: str) -> Response:
    """A submission's files as a zip (every file of a program of several): the jury's and the
    sending team's only."""
    round_, role = contest_for(client(), contest_id)
    sent = db.session.scalar(
        select(Submission).where(
            Submission.round_id == round_.id,
            or_(Submission.external_id == submission_id,
                and_(Submission.external_id.is_(None),
                     Submission.id == (int(submission_id) if submission_id.isdigit() else -1))),
        )
    )  # fmt: skip
    if sent is None or not role.owns(sent.participant_id):
        raise NotFound("No such submission, or its files are not yours to read.")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files_of(sent):
            archive.writestr(name, text)
    return Response(out.getvalue(), mimetype="application/zip",
                    headers={"Content-Disposition": f"attachment; filename=submission-{sent.id}.zip"})  # fmt: skip


@bp.get("/contests/<contest_id>/event-feed")
def event_feed(contest_id: str) -> Response:
    """The NDJSON event feed: streamed (a newline at least every keep-alive period), resumed
    after since_token, or with stream=false what exists now."""
    user = client()
    round_, _ = contest_for(user, contest_id)
    token = request.args.get("since_token")
    since = feed.parse_token(token) if token else None
    stream = request.args.get("stream", "true").lower() not in ("false", "0", "no")
    config = current_app.config
    settle = timedelta(seconds=float(config.get("CLICS_FEED_SETTLE_SECONDS", 1.0)))
    round_id = round_.id

    def current() -> list[feed.Event]:
        fresh = db.session.get(Round, round_id)
        assert fresh is not None
        return feed.shared_events(fresh, role_in(user, fresh), utcnow() - settle)

    if not stream:
        body = "".join(e.line() for e in feed.after(current(), since))
        return Response(body, mimetype="application/x-ndjson")
    poll = float(config.get("CLICS_FEED_POLL_SECONDS", 1.0))
    keepalive = float(config.get("CLICS_FEED_KEEPALIVE_SECONDS", 60.0))

    def lines() -> Iterator[str]:
        last, quiet_since = since, time.monotonic()
        while True:
            sent_any, found = False, current()
            if (
                found
                and found[-1].key[1] == feed.END_OF_UPDATES
                and last is not None
                and last >= found[-1].key
            ):
                return  # resumed after the end of updates: nothing more will come
            for event in feed.after(found, last):
                yield event.line()
                last, sent_any = event.key, True
                if event.key[1] == feed.END_OF_UPDATES:
                    return
            db.session.rollback()  # end the read: the next poll sees newer commits
            if sent_any:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= keepalive:
                yield "\n"
                quiet_since = time.monotonic()
            time.sleep(poll)

    return Response(stream_with_context(lines()), mimetype="application/x-ndjson",
                    headers={"X-Accel-Buffering": "no", "Cache-Control": "no-cache"})  # fmt: skip


def _body() -> dict[str, Any]:
    # A JSON body is what keeps these CSRF-exempt writes safe with session cookies.
    if not request.is_json or not isinstance(body := request.get_json(silent=True), dict):
        raise ValidationError("Send a JSON object with Content-Type: application/json.")
    return body


def _writer(contest_id: str) -> tuple[User, Round, Any]:
    user = client()
    if not isinstance(user, User):
        raise Unauthorized("Writes need credentials: a token, or HTTP basic auth.")
    round_, role = contest_for(user, contest_id)
    return user, round_, role


@bp.patch("/contests/<contest_id>")
def patch_contest(contest_id: str) -> Response | tuple[str, int]:
    """The jury sets or clears the start time, or thaws the board (the spec's PATCH)."""
    user, round_, _ = _writer(contest_id)
    changed = contest_patch.patch(user, round_, _body(), utcnow())
    return ("", 204) if changed is None else jsonify(changed)


@bp.post("/contests/<contest_id>/submissions")
def post_submission(contest_id: str) -> tuple[Response, int, dict[str, str]]:
    """A team's own submission, or the jury's for any team."""
    user, round_, role = _writer(contest_id)
    item = writes.submit(user, round_, role, _body())
    return (
        jsonify(item),
        201,
        {"Location": f"/api/v1/contests/{round_.id}/submissions/{item['id']}"},
    )


@bp.put("/contests/<contest_id>/submissions/<submission_id>")
def put_submission(contest_id: str, submission_id: str) -> tuple[Response, int, dict[str, str]]:
    """The jury's submission under an id it chooses."""
    user, round_, role = _writer(contest_id)
    item = writes.submit(user, round_, role, _body(), put_id=submission_id)
    return (
        jsonify(item),
        201,
        {"Location": f"/api/v1/contests/{round_.id}/submissions/{item['id']}"},
    )


@bp.post("/contests/<contest_id>/clarifications")
def post_clarification(contest_id: str) -> tuple[Response, int, dict[str, str]]:
    """A team's question, or the jury's answer or announcement."""
    user, round_, role = _writer(contest_id)
    item = writes.clarify(user, round_, role, _body())
    return (
        jsonify(item),
        201,
        {"Location": f"/api/v1/contests/{round_.id}/clarifications/{item['id']}"},
    )
