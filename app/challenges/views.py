"""Challenge pages: students browse published ones; staff author, test, validate, publish."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.challenges import bp, forms, testdata
from app.challenges import service as challenges
from app.challenges.attachments import attachments_of
from app.challenges.files import statement_images
from app.challenges.render import render_statement
from app.challenges.samples import sample_views
from app.errors import AppError, TooLarge, ValidationError
from app.extensions import db
from app.models import Blob


def _data_from(form: forms.ChallengeForm) -> challenges.ChallengeData:
    """The service's ChallengeData from a submitted challenge form."""
    options: dict[str, Any] = {}
    if form.case_sensitive.data:
        options["case_sensitive"] = True
    if form.space_change_sensitive.data:
        options["space_change_sensitive"] = True
    if form.float_tolerance.data is not None:
        options["float_tolerance"] = float(form.float_tolerance.data)
    checker_source = form.checker_source.data or None
    upload = form.checker_file.data
    if upload and getattr(upload, "filename", ""):
        raw = upload.read(256 * 1024 + 1)
        if len(raw) > 256 * 1024:
            raise ValidationError("The checker source is capped at 256 KB.", field="checker_file")
        try:
            checker_source = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationError("The checker must be UTF-8 text.") from error
    starter = {
        language: field.data
        for language, field in form.starters().items()
        if (field.data or "").strip()
    }
    return challenges.ChallengeData(
        title=form.title.data or "",
        slug=(form.slug.data or "").strip(),
        statement_md=form.statement_md.data or "",
        difficulty=form.difficulty.data or "medium",
        tags=[t for t in (form.tags.data or "").split(",") if t.strip()],
        time_limit_ms=form.time_limit_ms.data or 0,
        memory_limit_mb=form.memory_limit_mb.data or 0,
        output_limit_kb=form.output_limit_kb.data or 0,
        languages=list(form.languages.data) or None,
        starter_code=starter,
        checker=form.checker.data or "tokens",
        checker_options=options,
        checker_language=form.checker_language.data if form.checker.data == "custom" else None,
        checker_source=checker_source if form.checker.data == "custom" else None,
        stop_on_first_failure=bool(form.stop_on_first_failure.data),
    )


def _fill(form: forms.ChallengeForm, challenge: Any) -> None:
    form.process(obj=challenge)
    form.tags.data = ", ".join(challenge.tags or [])
    form.languages.data = list(challenge.languages or [])
    options = challenge.checker_options or {}
    form.case_sensitive.data = bool(options.get("case_sensitive"))
    form.space_change_sensitive.data = bool(options.get("space_change_sensitive"))
    form.float_tolerance.data = options.get("float_tolerance")
    starters = form.starters()
    for language, code in (challenge.starter_code or {}).items():
        if language in starters:
            starters[language].data = code


def _statement(form: forms.ChallengeForm, slug: str | None = None) -> str:
    """The student view of the statement being edited, for the preview pane."""
    try:
        return challenges.preview_statement(current_user, form.statement_md.data or "", slug)
    except TooLarge:
        return ""  # the form shows the length error beside the field


def _test_fields(form: Any) -> tuple[str, bytes, bytes]:
    """Name, input and answer of a test form; browsers send CRLF, test data keeps LF."""
    return (
        form.name.data or "",
        (form.input.data or "").replace("\r\n", "\n").encode(),
        (form.answer.data or "").replace("\r\n", "\n").encode(),
    )


def _test_flags(form: Any) -> dict[str, Any]:
    return {"is_sample": bool(form.is_sample.data), "group_id": form.group_id.data or None}


def _error(form: Any, error: AppError) -> None:
    """Show a service error next to its field, or at the top of the page."""
    field = getattr(error, "field", None)
    if field and hasattr(form, field):
        getattr(form, field).errors = [*getattr(form, field).errors, error.message]
    else:
        flash(error.message, "error")


@bp.get("/")
def index() -> str:
    """Published challenges, and the ones a teacher authors."""
    mine = challenges.authored_by(current_user) if current_user.is_authenticated else []
    return render_template(
        "challenges/index.html", published=challenges.published_challenges(current_user), mine=mine
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> str | Response:
    """Create a draft challenge."""
    challenges.require_staff(current_user)
    form = forms.challenge_form()
    if request.method == "GET":
        form.stop_on_first_failure.data = True
    if form.validate_on_submit():
        try:
            challenge = challenges.create_challenge(current_user, _data_from(form))
        except AppError as error:
            _error(form, error)
        else:
            flash("Challenge created as a draft. Add tests next.", "success")
            return redirect(url_for("challenges.tests", slug=challenge.slug))
    return render_template(
        "challenges/form.html", form=form, challenge=None, statement=_statement(form)
    )


@bp.get("/<slug>")
def show(slug: str) -> str:
    """A challenge's statement, samples and limits."""
    challenge = challenges.visible_challenge(current_user, slug)
    editable = current_user.is_authenticated and challenges.can_edit(current_user, challenge)
    return render_template(
        "challenges/show.html",
        challenge=challenge,
        statement=render_statement(challenge),
        samples=sample_views(challenge),
        attachments=attachments_of(challenge),
        editable=editable,
        form=forms.EmptyForm(),
    )


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str) -> str | Response:
    """Edit a challenge's text, limits, languages and checker."""
    challenge = challenges.editable_challenge(current_user, slug)
    form = forms.challenge_form()
    if request.method == "GET":
        _fill(form, challenge)
    elif form.validate_on_submit():
        try:
            challenge = challenges.update_challenge(current_user, slug, _data_from(form))
        except AppError as error:
            _error(form, error)
        else:
            flash("Saved.", "success")
            return redirect(url_for("challenges.edit", slug=challenge.slug))
    return render_template(
        "challenges/form.html",
        form=form,
        challenge=challenge,
        statement=_statement(form, challenge.slug),
        images=statement_images(challenge),
        image_form=forms.ImageForm(prefix="image"),
        button=forms.EmptyForm(),
    )


@bp.route("/<slug>/tests", methods=["GET", "POST"])
@login_required
def tests(slug: str) -> str | Response:
    """List, add and upload tests; manage groups."""
    challenge = challenges.editable_challenge(current_user, slug)
    form = forms.make_test_form(challenge)
    if form.validate_on_submit():
        try:
            testdata.add_test(current_user, slug, *_test_fields(form), **_test_flags(form))
        except AppError as error:
            _error(form, error)
        else:
            flash("Test added.", "success")
            return redirect(url_for("challenges.tests", slug=slug))
    return render_template(
        "challenges/tests.html",
        challenge=challenge,
        form=form,
        zip_form=forms.TestZipForm(prefix="zip"),
        group_form=forms.GroupForm(prefix="group"),
        button=forms.EmptyForm(),
    )


@bp.post("/<slug>/tests/upload")
@login_required
def upload_tests(slug: str) -> Response:
    """Add the .in/.ans pairs of an uploaded zip."""
    form = forms.TestZipForm(prefix="zip")
    if form.validate_on_submit():
        upload = form.file.data
        count = testdata.upload_tests(
            current_user, slug, upload.read(), upload.filename or "upload.zip",
            is_sample=bool(form.is_sample.data),
        )  # fmt: skip
        flash(f"{count} tests added.", "success")
    else:
        flash("Choose a zip file.", "error")
    return redirect(url_for("challenges.tests", slug=slug))


@bp.post("/<slug>/tests/<int:test_id>/<action>")
@login_required
def test_action(slug: str, test_id: int, action: str) -> Response:
    """Move a test up or down, or delete it."""
    if not forms.EmptyForm().validate_on_submit():
        flash("The form expired; try again.", "error")
    elif action == "delete":
        testdata.delete_test(current_user, slug, test_id)
        flash("Test deleted.", "success")
    elif action in ("up", "down"):
        testdata.move_test(current_user, slug, test_id, -1 if action == "up" else 1)
    return redirect(url_for("challenges.tests", slug=slug))


@bp.route("/<slug>/tests/<int:test_id>", methods=["GET", "POST"])
@login_required
def edit_test(slug: str, test_id: int) -> str | Response:
    """Edit one test's name, flags, group and content."""
    challenge = challenges.editable_challenge(current_user, slug)
    test = next((t for t in challenge.tests if t.id == test_id), None)
    if test is None:
        return render_template("errors/error.html", status=404, title="Page not found",
                               message="No such test."), 404  # type: ignore[return-value]  # fmt: skip
    form = forms.make_test_form(challenge)
    if request.method == "GET":
        form.name.data, form.is_sample.data, form.group_id.data = (
            test.name, test.is_sample, test.group_id or 0,
        )  # fmt: skip
        form.input.data = db.session.get(Blob, test.input_sha256).data.decode(errors="replace")  # type: ignore[union-attr]
        form.answer.data = db.session.get(Blob, test.answer_sha256).data.decode(errors="replace")  # type: ignore[union-attr]
    elif form.validate_on_submit():
        try:
            testdata.update_test(
                current_user, slug, test_id, *_test_fields(form), **_test_flags(form)
            )
        except AppError as error:
            _error(form, error)
        else:
            flash("Test saved.", "success")
            return redirect(url_for("challenges.tests", slug=slug))
    return render_template("challenges/test_form.html", challenge=challenge, test=test, form=form)


@bp.post("/<slug>/groups")
@login_required
def add_group(slug: str) -> Response:
    """Add a test group (subtask) with points."""
    form = forms.GroupForm(prefix="group")
    if form.validate_on_submit():
        testdata.add_group(current_user, slug, form.name.data or "", form.points.data or 0.0)
        flash("Group added.", "success")
    else:
        flash("A group needs a name and points from 0 to 1000.", "error")
    return redirect(url_for("challenges.tests", slug=slug))


@bp.post("/<slug>/groups/<int:group_id>/delete")
@login_required
def delete_group(slug: str, group_id: int) -> Response:
    """Delete a group; its tests stay."""
    if forms.EmptyForm().validate_on_submit():
        testdata.delete_group(current_user, slug, group_id)
    return redirect(url_for("challenges.tests", slug=slug))


from app.challenges import views_files, views_preview, views_publish  # noqa: E402,F401
