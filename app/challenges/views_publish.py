"""Challenge pages for reference solutions, validation, publishing and copies."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.challenges import bp, forms, references
from app.challenges import service as challenges
from app.challenges.validation.queue import validation_state
from app.errors import AppError


@bp.route("/<slug>/solutions", methods=["GET", "POST"])
@login_required
def solutions(slug: str) -> str | Response:
    """Reference solutions, their expected verdicts and the last validation report."""
    challenge = challenges.editable_challenge(current_user, slug)
    form = forms.ReferenceForm(prefix="ref")
    if form.validate_on_submit():
        try:
            if form.uploads_given():
                references.add_reference_files(
                    current_user, slug, form.name.data or "", form.language.data or "",
                    form.uploads(), form.expected_verdict.data or "AC", form.entry.data or None,
                )  # fmt: skip
            else:
                challenges.add_reference(
                    current_user, slug, form.name.data or "", form.language.data or "",
                    (form.source.data or "").replace("\r\n", "\n"),
                    form.expected_verdict.data or "AC",
                )  # fmt: skip
        except AppError as error:
            flash(error.message, "error")
        else:
            flash("Reference solution added.", "success")
            return redirect(url_for("challenges.solutions", slug=slug))
    return render_template(
        "challenges/solutions.html",
        challenge=challenge,
        references=challenges.references(challenge),
        files_of=references.files_of,
        validation=validation_state(challenge),
        form=form,
        button=forms.EmptyForm(),
    )


@bp.post("/<slug>/solutions/<int:solution_id>/delete")
@login_required
def delete_solution(slug: str, solution_id: int) -> Response:
    """Delete a reference solution."""
    if forms.EmptyForm().validate_on_submit():
        challenges.delete_reference(current_user, slug, solution_id)
    return redirect(url_for("challenges.solutions", slug=slug))


@bp.post("/<slug>/validate")
@login_required
def validate(slug: str) -> Response:
    """Queue a run of every reference solution; the solutions page shows the report when in."""
    if forms.EmptyForm().validate_on_submit():
        try:
            challenges.request_validation(current_user, slug)
        except AppError as error:
            flash(error.message, "error")
        else:
            flash("Validation queued: every reference solution is being judged.", "info")
    return redirect(url_for("challenges.solutions", slug=slug))


@bp.post("/<slug>/publish")
@login_required
def publish(slug: str) -> Response:
    """Publish a validated challenge."""
    if forms.EmptyForm().validate_on_submit():
        try:
            challenges.set_published(current_user, slug, True)
        except AppError as error:
            flash(error.message, "error")
            return redirect(url_for("challenges.solutions", slug=slug))
        flash("Published: students can see it now.", "success")
    return redirect(url_for("challenges.show", slug=slug))


@bp.post("/<slug>/unpublish")
@login_required
def unpublish(slug: str) -> Response:
    """Hide a challenge from students again."""
    if forms.EmptyForm().validate_on_submit():
        challenges.set_published(current_user, slug, False)
        flash("Back to draft.", "success")
    return redirect(url_for("challenges.show", slug=slug))


@bp.post("/<slug>/duplicate")
@login_required
def duplicate(slug: str) -> Response:
    """Copy a challenge as a new draft owned by the current user."""
    if not forms.EmptyForm().validate_on_submit():
        return redirect(url_for("challenges.show", slug=slug))
    copy = challenges.duplicate_challenge(current_user, slug)
    flash("Copied as a new draft.", "success")
    return redirect(url_for("challenges.edit", slug=copy.slug))
