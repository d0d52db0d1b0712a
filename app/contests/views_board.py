"""Board pages: the scoreboard, its JSON and CSV, the projector, the resolver; thaw, finalize."""

from __future__ import annotations

import json

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as Redirect

from app.contests import bp, state
from app.contests.access import managed_round
from app.contests.boards import board_round, projector_round, replay_of
from app.contests.clarifications import visible_clarifications
from app.courses.service import sections
from app.judging import languages
from app.models import Round, utcnow
from app.scoring import boards, virtual
from app.scoring.freeze import PUBLIC


@bp.get("/<int:round_id>/board")
def board(round_id: int) -> str:
    """The live scoreboard, with a language filter (the language's own standings)."""
    round_, _ = board_round(current_user, round_id)
    language = request.args.get("language") or None
    if language is not None and not languages.is_known(language):
        language = None
    groups = sections(round_.course_id) if round_.course_id else []
    group = request.args.get("group") if request.args.get("group") in groups else None
    return render_template("contests/board.html", round=round_, language=language,
                           languages=languages.choices(), groups=groups, group=group,
                           replay=replay_of(current_user, round_))  # fmt: skip


@bp.get("/<int:round_id>/board.json")
def board_json(round_id: int) -> Response:
    """The board as this viewer may see it (frozen for the public)."""
    round_, viewer = board_round(current_user, round_id)
    language = request.args.get("language") or None
    known = language if language and languages.is_known(language) else None
    group = request.args.get("group") or None
    if known is None and group is None:  # the whole board: a run's own, or from the cache
        run = replay_of(current_user, round_)
        if run is not None:
            return jsonify(virtual.replay_json(round_, run, utcnow()))
        return Response(
            boards.board_response(round_, viewer, utcnow()), mimetype="application/json"
        )
    seen = boards.seen_board(round_, viewer, known, group)
    return jsonify(boards.board_json(seen, utcnow()))


@bp.get("/<int:round_id>/board.csv")
def board_csv(round_id: int) -> Response:
    """The standings as CSV, as this viewer may see them."""
    round_, viewer = board_round(current_user, round_id)
    body = boards.board_csv(boards.seen_board(round_, viewer))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="round-{round_.id}-standings.csv"'})  # fmt: skip


@bp.get("/<int:round_id>/projector/<key>")
def projector(round_id: int, key: str) -> str:
    """The projector: a secret link, no login, the public board full screen."""
    round_ = projector_round(round_id, key)
    return render_template("contests/projector.html", round=round_, key=key)


@bp.get("/<int:round_id>/projector/<key>/board.json")
def projector_json(round_id: int, key: str) -> Response:
    """The projector's board: what a spectator sees, plus the announcements."""
    round_ = projector_round(round_id, key)
    body = boards.board_response(round_, PUBLIC, utcnow())
    extra = json.dumps(announcements(round_))
    return Response(body[:-1] + ',"announcements":' + extra + "}", mimetype="application/json")


@bp.get("/<int:round_id>/projector/<key>/clock.json")
def projector_clock(round_id: int, key: str) -> Response:
    """The server's clock for the projector's countdown."""
    round_ = projector_round(round_id, key)
    now = utcnow()
    return jsonify({"now": f"{now:%Y-%m-%dT%H:%M:%S}.{now.microsecond // 1000:03d}Z",
                    "state": round_.state_at(now)})  # fmt: skip


def announcements(round_: Round) -> list[str]:
    """The newest five announcements, as the public sees them."""
    shown = visible_clarifications(None, round_)
    return [item.answer for item in shown if item.is_announcement and item.answer][:5]


@bp.get("/<int:round_id>/resolver")
@login_required
def resolver(round_id: int) -> str:
    """The resolver for the projector (staff): reveal the frozen board, then the awards."""
    round_ = managed_round(current_user, round_id)
    return render_template("contests/resolver.html", round=round_,
                           data_url=url_for("contests.resolver_json", round_id=round_id))  # fmt: skip


@bp.get("/<int:round_id>/resolver.json")
@login_required
def resolver_json(round_id: int) -> Response:
    """The frozen board and every reveal step (staff only: it holds the final results)."""
    round_ = managed_round(current_user, round_id)
    return jsonify(boards.resolver_json(round_, utcnow()))


@bp.post("/<int:round_id>/unfreeze")
@login_required
def unfreeze(round_id: int) -> Redirect:
    """Unfreeze the public board at once (no resolver)."""
    state.thaw(current_user, managed_round(current_user, round_id))
    flash("The board is unfrozen: everyone sees every result.", "success")
    return redirect(url_for("contests.show", round_id=round_id))


@bp.post("/<int:round_id>/finalize")
@login_required
def finalize(round_id: int) -> Redirect:
    """Declare the results final."""
    state.finalize(current_user, managed_round(current_user, round_id))
    flash("The results are final.", "success")
    return redirect(url_for("contests.show", round_id=round_id))


@bp.get("/<int:round_id>/grades.csv")
@login_required
def grades_csv(round_id: int) -> Response:
    """Staff: the grade export (student, email, per-problem score, total, late credit)."""
    round_ = managed_round(current_user, round_id)
    return Response(boards.grades_csv(round_), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="round-{round_.id}-grades.csv"'})  # fmt: skip
