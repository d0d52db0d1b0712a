"""Round pages: the list, a round's home, Start and join, the host's form, the server clock."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.contests import bp, pages, participation, rounds
from app.contests.access import managed_round, visible_round
from app.contests.forms import ExtensionForm, RoundForm
from app.errors import AppError, ValidationError
from app.models import Round, utcnow


@bp.get("/")
def index() -> str:
    """Rounds that are running, upcoming and past, for this viewer."""
    groups = pages.rounds_for(current_user, utcnow())
    return render_template("contests/index.html", groups=groups, now=utcnow())


@bp.get("/<int:round_id>")
@login_required
def show(round_id: int) -> str:
    """A round's home: problems with status marks, the countdown, own submissions."""
    home = pages.round_home(current_user, round_id, utcnow())
    return render_template("contests/show.html", home=home, round=home.round)


@bp.get("/<int:round_id>/clock.json")
def clock(round_id: int) -> Response:
    """The server's clock and the round's times, for the countdown's skew correction."""
    round_ = visible_round(current_user, round_id, request.args.get("invite"))
    now = utcnow()
    return jsonify({"now": _iso(now), "state": round_.state_at(now),
                    "starts_at": _iso(round_.starts_at), "ends_at": _iso(round_.ends_at)})  # fmt: skip


@bp.post("/<int:round_id>/join")
@login_required
def join(round_id: int) -> Response:
    """Register for a round (alone); the invite link's code comes along as a form field."""
    round_ = visible_round(current_user, round_id, request.form.get("invite"))
    participation.join(current_user, round_, request.form.get("invite"))
    flash(f"You are registered for {round_.name}.", "success")
    return redirect(url_for("contests.show", round_id=round_id))


@bp.get("/<int:round_id>/invite/<code>")
@login_required
def invite(round_id: int, code: str) -> str:
    """The invite link: the round's name and a Register button (a GET registers nobody)."""
    round_ = visible_round(current_user, round_id, code)
    return render_template("contests/invite.html", round=round_, code=code)


@bp.post("/<int:round_id>/start")
@login_required
def start(round_id: int) -> Response:
    """Press Start on a timed round: the personal timer runs from now."""
    participation.start(current_user, visible_round(current_user, round_id))
    return redirect(url_for("contests.show", round_id=round_id))


@bp.post("/<int:round_id>/virtual")
@login_required
def virtual(round_id: int) -> Response:
    """Replay an ended contest in a window of one's own."""
    participation.start_virtual(current_user, visible_round(current_user, round_id))
    flash("Your virtual contest has started: the clock runs as it did for the others.", "info")
    return redirect(url_for("contests.show", round_id=round_id))


@bp.post("/<int:round_id>/extend")
@login_required
def extend(round_id: int) -> Response:
    """Give one participant extra minutes."""
    form = ExtensionForm()
    if not form.validate_on_submit():
        raise ValidationError("Give a participant and 0 to 86400 minutes.", field="minutes")
    round_ = managed_round(current_user, round_id)
    participant = participation.extend(current_user, round_, form.participant_id.data or 0,
                                       form.minutes.data or 0)  # fmt: skip
    flash(f"{participant.name} has {participant.extra_minutes} extra minutes.", "success")
    return redirect(request.referrer or url_for("contests.show", round_id=round_id))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> str | Response | tuple[str, int]:
    """Create a round (teachers and admins)."""
    form = RoundForm()
    pages.fill_choices(form, current_user)
    course = request.args.get("course", "")
    if request.method == "GET" and course.isdigit():
        form.course_id.data = int(course)
    return _save(form, None)


@bp.route("/<int:round_id>/edit", methods=["GET", "POST"])
@login_required
def edit(round_id: int) -> str | Response | tuple[str, int]:
    """Change a round: its times, rules and problem set."""
    round_ = managed_round(current_user, round_id)
    form = RoundForm()
    pages.fill_choices(form, current_user)
    if request.method == "GET":
        pages.form_from_round(form, round_)
    return _save(form, round_)


def _save(form: RoundForm, round_: Round | None) -> str | Response | tuple[str, int]:
    if form.validate_on_submit():
        try:
            spec = pages.spec_from_form(current_user, form)
            if round_ is None:
                saved = rounds.create_round(current_user, spec)
            else:
                saved = rounds.update_round(current_user, round_, spec)
        except ValidationError as error:
            target = getattr(form, error.field or "", None)
            if target is None and error.field and error.field.startswith("credit"):
                target = form.late_until_1
            (target or form.name).errors.append(error.message)
        except AppError as error:
            form.problems.errors.append(error.message)
        else:
            flash(f"Saved {saved.name}.", "success")
            return redirect(url_for("contests.show", round_id=saved.id))
    status = 400 if form.errors else 200
    return render_template("contests/form.html", form=form, round=round_), status


def _iso(moment: object) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}Z"


@bp.get("/<int:round_id>/monitor")
@login_required
def monitor(round_id: int) -> str:
    """The host's monitor: participants and their time left, the queue, recent submissions."""
    page = pages.monitor(current_user, round_id, utcnow())
    return render_template("contests/monitor.html", page=page, round=page.round)


@bp.post("/<int:round_id>/teams")
@login_required
def create_team(round_id: int) -> Response:
    """Staff: a team of the round's size from its members' emails."""
    round_ = managed_round(current_user, round_id)
    try:
        team = participation.create_team_by_emails(current_user, round_, request.form.get("name", ""),
                                                   request.form.get("members", ""))  # fmt: skip
        flash(f"Team {team.name} created.", "success")
    except AppError as error:
        flash(error.message, "error")
    return redirect(url_for("contests.monitor", round_id=round_id))
