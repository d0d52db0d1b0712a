"""Clarification pages: a participant's questions and the ask form; the jury's queue, answer
and announcement forms."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.contests import bp
from app.contests import clarifications as service
from app.contests.access import is_staff_of, managed_round, visible_round
from app.contests.forms_clarifications import AnnounceForm, AnswerForm, AskForm
from app.errors import AppError, Conflict, TooMany, ValidationError
from app.models import Round

Page = str | Response | tuple[str, int]
# Refusals a user fixes by changing the form or waiting: shown on the form, not an error page.
FORM_REFUSALS = (ValidationError, Conflict, TooMany)


def _refused(form: FlaskForm, error: AppError) -> int:
    """Put a service's refusal on the field it names (else above the form); its status."""
    name = getattr(error, "field", None)
    field = form[name] if name and name in form else None
    (field.errors if field is not None else form.form_errors).append(error.message)
    return error.status


def _back(round_id: int, message: str, selected_id: int | None = None) -> Response:
    flash(message, "success")
    return redirect(url_for("contests.clarifications", round_id=round_id, c=selected_id))


def _ask_form(round_: Round) -> AskForm:
    """The ask form, offering the problems once the user may see them."""
    return AskForm(round_ if service.problems_out(current_user, round_) else None)


def _participant_page(round_: Round, form: AskForm | None = None, status: int = 200) -> Page:
    form = form or _ask_form(round_)
    return render_template(
        "contests/clarifications.html",
        round=round_,
        form=form,
        may_ask=service.may_ask(current_user, round_),
        shown=service.visible_clarifications(current_user, round_),
    ), status


def _jury_page(
    round_: Round,
    selected_id: int | None,
    answer_form: AnswerForm | None = None,
    announce_form: AnnounceForm | None = None,
    status: int = 200,
) -> Page:
    queue = service.jury_queue(current_user, round_)
    return render_template(
        "contests/clarifications_jury.html",
        round=round_,
        queue=queue,
        selected=queue.pick(selected_id),
        answer_form=answer_form or AnswerForm(),
        announce_form=announce_form or AnnounceForm(round_),
    ), status


@bp.get("/<int:round_id>/clarifications")
def clarifications(round_id: int) -> Page:
    """A round's clarifications as the viewer may see them (the jury: the queue)."""
    round_ = visible_round(current_user, round_id)
    if is_staff_of(current_user, round_):
        return _jury_page(round_, request.args.get("c", type=int))
    return _participant_page(round_)


@bp.post("/<int:round_id>/clarifications")
@login_required
def ask_question(round_id: int) -> Page:
    """Send the jury a question."""
    round_ = visible_round(current_user, round_id)
    form = _ask_form(round_)
    if not form.validate_on_submit():
        return _participant_page(round_, form, 400)
    try:
        service.ask(current_user, round_, form.problem_label.data, form.question.data or "")
    except FORM_REFUSALS as error:
        return _participant_page(round_, form, _refused(form, error))
    return _back(round_id, "Your question was sent to the jury.")


@bp.post("/<int:round_id>/clarifications/<int:clarification_id>/answer")
@login_required
def answer_question(round_id: int, clarification_id: int) -> Page:
    """Answer a question, privately or to everyone."""
    round_ = managed_round(current_user, round_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _jury_page(round_, clarification_id, answer_form=form, status=400)
    try:
        service.answer(current_user, clarification_id, form.text, form.to_all.data, round_=round_)
    except FORM_REFUSALS as error:
        status = _refused(form, error)
        return _jury_page(round_, clarification_id, answer_form=form, status=status)
    return _back(round_id, "Answer sent.", selected_id=clarification_id)


@bp.post("/<int:round_id>/announcements")
@login_required
def post_announcement(round_id: int) -> Page:
    """Post an announcement to everyone in the round."""
    round_ = managed_round(current_user, round_id)
    form = AnnounceForm(round_)
    if not form.validate_on_submit():
        return _jury_page(round_, None, announce_form=form, status=400)
    try:
        service.announce(current_user, round_, form.text.data or "", form.problem_label.data)
    except FORM_REFUSALS as error:
        return _jury_page(round_, None, announce_form=form, status=_refused(form, error))
    return _back(round_id, "Announcement posted.")
