"""Boss Fight pages: start one, the fight page, the projector, the state as JSON."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.errors import ValidationError
from app.extensions import db
from app.gamification import boss, boss_access, boss_end, boss_events
from app.gamification.forms import BossForm
from app.gamification.views import bp
from app.models import Challenge, Round, utcnow


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.route("/boss/new", methods=["GET", "POST"])
@login_required
def boss_new() -> str | Response | tuple[str, int]:
    """Start a Boss Fight for a course (?course_id=) or a round (?round_id=)."""
    course_id, round_id = _int_arg("course_id"), _int_arg("round_id")
    host = boss_access.host_of(current_user, course_id, round_id)
    allowed = boss_access.challenge_choices(current_user, host)
    form = BossForm()
    form.challenge_ids.choices = [(c.id, c.title) for c in allowed]
    if form.validate_on_submit():
        spec = boss.BossSpec(
            name=form.name.data or "", challenge_ids=list(form.challenge_ids.data or []),
            course_id=None if isinstance(host, Round) else host.id,
            round_id=host.id if isinstance(host, Round) else None,
            minutes=form.minutes.data or 20, hints=[form.hint_1.data or "", form.hint_2.data or ""],
        )  # fmt: skip
        try:
            fight = boss.start(current_user, spec)
        except ValidationError as error:
            getattr(form, error.field or "name").errors = [error.message]
        else:
            flash("The boss appears! Put the projector link on the big screen.", "success")
            return redirect(url_for("gamification.boss_show", boss_id=fight.id))
    status = 400 if form.errors else 200
    return render_template("gamification/boss_new.html", form=form, host=host), status


@bp.route("/boss/<int:boss_id>")
@login_required
def boss_show(boss_id: int) -> str:
    """The fight: its teacher sees the projector link and the report; students the boss."""
    boss_access.visible_boss(current_user, boss_id)
    fight = boss_end.settle_if_over(boss_id)
    assert fight is not None
    runs = boss_access.runs(current_user, fight)
    challenges = [db.session.get(Challenge, i) for i in fight.challenge_ids]
    report = boss_end.report_page(fight) if runs and fight.report else None
    state = boss_events.state(fight, boss.current_damage(fight.id), utcnow())
    return render_template("gamification/boss_show.html", boss=fight, runs=runs, state=state,
                           challenges=challenges, report=report)  # fmt: skip


@bp.route("/boss/<int:boss_id>/projector/<key>")
def boss_projector(boss_id: int, key: str) -> str:
    """The projector: a secret link, no login; the HP bar, the feed, the clock, the hints."""
    fight = boss_access.projector_boss(boss_id, key)
    state = boss_events.state(fight, boss.current_damage(fight.id), utcnow())
    return render_template("gamification/boss_projector.html", boss=fight, key=key, state=state)


@bp.route("/boss/<int:boss_id>/state.json")
def boss_state(boss_id: int) -> Response:
    """The fight's state (?key= for the projector, else the session)."""
    key = request.args.get("key")
    if key:
        boss_access.projector_boss(boss_id, key)
    elif not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    else:
        boss_access.visible_boss(current_user, boss_id)
    fight = boss_end.settle_if_over(boss_id)
    assert fight is not None
    return jsonify(boss_events.state(fight, boss.current_damage(boss_id), utcnow()))
