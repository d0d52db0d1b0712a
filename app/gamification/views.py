"""Gamification pages: the profile, the leaderboards, a course's game settings."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.challenges.access import visible_challenge
from app.courses.access import can_manage, managed_course, visible_course
from app.errors import NotFound, ValidationError
from app.gamification import boards, course_settings, service
from app.gamification.forms import BoardChoiceForm, CourseGameForm, ZoneForm
from app.judging import languages as judge_languages

bp = Blueprint("gamification", __name__)

OFF = "Gamification is switched off for this course."
OFF_EVERYWHERE = "Gamification is switched off in your courses."


@bp.route("/profile")
@login_required
def profile() -> str:
    """The user's XP, badges earned and in reach, zone and leaderboard choices."""
    data = service.profile(current_user.id)
    zone = ZoneForm(time_zone=data.zone)
    choice = BoardChoiceForm(pseudonym=data.player.pseudonym, hidden=data.player.hidden)
    return render_template("gamification/profile.html", profile=data, zone=zone, choice=choice)


@bp.route("/profile/zone", methods=["POST"])
@login_required
def change_zone() -> Response | tuple[str, int]:
    """Change the time zone streak days are counted in."""
    form = ZoneForm()
    if form.validate_on_submit():
        try:
            service.set_time_zone(current_user.id, form.time_zone.data or "")
        except ValidationError as error:
            form.time_zone.errors = [error.message]
        else:
            flash("Time zone saved.", "success")
            return redirect(url_for("gamification.profile"))
    data = service.profile(current_user.id)
    choice = BoardChoiceForm(pseudonym=data.player.pseudonym, hidden=data.player.hidden)
    page = render_template("gamification/profile.html", profile=data, zone=form, choice=choice)
    return page, 400


@bp.route("/profile/boards", methods=["POST"])
@login_required
def change_board_choice() -> Response:
    """Set a pseudonym or opt out of leaderboards."""
    form = BoardChoiceForm()
    if form.validate_on_submit():
        service.set_board_choice(current_user.id, form.pseudonym.data or "", form.hidden.data)
        flash("Leaderboard choice saved.", "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("gamification.profile"))


@bp.route("/leaderboards")
@login_required
def leaderboards() -> str:
    """The global board, or one language's (?language=)."""
    if not service.visible_to(current_user.id):
        raise NotFound(OFF_EVERYWHERE)
    language = request.args.get("language", "")
    languages = judge_languages.ids()
    if language and language not in languages:
        raise NotFound("No such language.")
    entries = (boards.language_board(language, current_user.id) if language
               else boards.global_board(current_user.id))  # fmt: skip
    return render_template("gamification/board.html", entries=entries, title="Leaderboard",
                           language=language, languages=languages)  # fmt: skip


@bp.route("/challenges/<slug>/leaderboard")
@login_required
def challenge_board(slug: str) -> str:
    """Best score on one challenge, then the time it was reached."""
    challenge = visible_challenge(current_user, slug)
    course = service.course_of(challenge)
    if course is not None and not course.gamification:
        raise NotFound(OFF)
    if course is None and not service.visible_to(current_user.id):
        raise NotFound(OFF_EVERYWHERE)
    entries = boards.challenge_board(challenge, current_user)
    return render_template("gamification/board.html", entries=entries, title=challenge.title,
                           score=True, course=course,
                           staff=course is not None and can_manage(current_user, course))  # fmt: skip


@bp.route("/courses/<int:course_id>/leaderboard")
@login_required
def course_board(course_id: int) -> str:
    """The course's board: relative by default, top N or full if its teacher chose so."""
    course = visible_course(current_user, course_id)
    staff = can_manage(current_user, course)
    if not course.gamification:
        raise NotFound(OFF)
    entries = boards.course_board(course, current_user.id, staff=staff)
    return render_template("gamification/board.html", entries=entries, title=course.name,
                           course=course, staff=staff)  # fmt: skip


@bp.route("/courses/<int:course_id>/gamification", methods=["GET", "POST"])
@login_required
def course_game(course_id: int) -> str | Response | tuple[str, int]:
    """A course's gamification settings (its teacher)."""
    course = managed_course(current_user, course_id)
    form = CourseGameForm(obj=course_settings.form_data(course))
    if form.validate_on_submit():
        try:
            course_settings.update(course, course_settings.CourseGame.of_form(form))
        except ValidationError as error:
            getattr(form, error.field or "time_zone").errors = [error.message]
        else:
            flash("Gamification settings saved.", "success")
            return redirect(url_for("gamification.course_game", course_id=course.id))
    status = 400 if form.errors else 200
    return render_template("gamification/course.html", form=form, course=course), status
