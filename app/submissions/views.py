"""Solve-page and history views: parse, call a service, render or redirect."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.challenges.views_files import send_attachment
from app.errors import AppError, ValidationError
from app.judging import languages
from app.submissions import bp, staff
from app.submissions import solve as service


@bp.get("/solve/<slug>")
@login_required
def solve(slug: str) -> str:
    """The statement beside the editor: run on samples, submit, watch the verdict arrive."""
    page = service.solve_page(current_user, slug, request.args.get("round", type=int))
    return render_template("submissions/solve.html", page=page, challenge=page.challenge)


@bp.get("/solve/<slug>/attachments/<path:name>")
@login_required
def attachment(slug: str, name: str) -> Response:
    """An attachment of the challenge (of the round's problem with ?round=), as a download."""
    served = service.attachment(current_user, slug, name, request.args.get("round", type=int))
    return send_attachment(served, name)


@bp.get("/solve/<slug>/history")
@login_required
def history(slug: str) -> str:
    """Submissions to a challenge: your own, or (staff) everyone's or one student's."""
    user_id = request.args.get("user", type=int)
    challenge, submissions = service.history(current_user, slug, user_id=user_id)
    return render_template(
        "submissions/history.html", challenge=challenge, submissions=submissions, user_id=user_id
    )


@bp.get("/submissions/<int:submission_id>")
@login_required
def submission(submission_id: int) -> str:
    """One submission with its code, tests and (staff) rejudge and override forms."""
    page = service.submission_detail(current_user, submission_id)
    return render_template(
        "submissions/submission.html",
        submission=page.submission,
        state=page.state,
        manages=page.manages,
        files=page.files,
        verdicts=staff.VERDICTS,
        extension=languages.extension(page.submission.language),
    )


@bp.post("/submissions/<int:submission_id>/rejudge")
@login_required
def rejudge(submission_id: int) -> Response:
    """Staff: judge one submission again."""
    staff.rejudge_one(current_user, submission_id)
    flash("Rejudging; the new verdict replaces the old one when it is done.", "success")
    if request.form.get("back") == "failed":  # from the list of failed judgements
        return redirect(
            url_for("submissions.failed", challenge=request.form.get("challenge") or None)
        )
    return redirect(url_for("submissions.submission", submission_id=submission_id))


@bp.get("/submissions/failed")
@login_required
def failed() -> str:
    """Staff: judgements the judge gave up on, with the reason and a rejudge button each."""
    slug = request.args.get("challenge") or None
    judgements = staff.failed_judgements(current_user, slug=slug)
    stalled = staff.stalled_judgements(current_user, slug=slug)
    return render_template(
        "submissions/failed.html", judgements=judgements, stalled=stalled, slug=slug
    )


@bp.post("/submissions/failed/rejudge")
@login_required
def rejudge_failed() -> Response:
    """Staff: rejudge every listed failed judgement (after the judge is fixed)."""
    slug = request.form.get("challenge") or None
    count = staff.rejudge_failed(current_user, slug=slug)
    flash(f"Rejudging {count} submission{'s' if count != 1 else ''}.", "success")
    return redirect(url_for("submissions.failed", challenge=slug))


@bp.post("/submissions/<int:submission_id>/override")
@login_required
def override(submission_id: int) -> Response:
    """Staff: replace the shown verdict (with a reason), or clear the override."""
    try:
        staff.override_verdict(
            current_user,
            submission_id,
            request.form.get("verdict", ""),
            request.form.get("reason", ""),
        )
        flash("Verdict updated; the judge's own verdict stays in the history.", "success")
    except ValidationError as error:
        flash(error.message, "error")
    return redirect(url_for("submissions.submission", submission_id=submission_id))


@bp.post("/solve/<slug>/rejudge")
@login_required
def rejudge_challenge(slug: str) -> Response:
    """Staff: rejudge every submission of a challenge, or those since a time."""
    since_text = request.form.get("since", "").strip()
    try:
        since = _parse_since(since_text) if since_text else None
        scope = slug if request.form.get("scope", "challenge") == "challenge" else None
        count = staff.rejudge_many(current_user, slug=scope, since=since)
        flash(f"Rejudging {count} submission{'s' if count != 1 else ''}.", "success")
    except AppError as error:
        flash(error.message, "error")
    return redirect(url_for("submissions.history", slug=slug))


@bp.post("/rounds/<int:round_id>/rejudge")
@login_required
def rejudge_round(round_id: int) -> Response:
    """Staff: rejudge a whole round, or one of its problems."""
    try:
        count = staff.rejudge_round(current_user, round_id, request.form.get("label") or None)
        flash(f"Rejudging {count} submission{'s' if count != 1 else ''}.", "success")
    except AppError as error:
        flash(error.message, "error")
    return redirect(url_for("contests.monitor", round_id=round_id))


def _parse_since(text: str) -> datetime:
    """A datetime-local value (taken as UTC) as the naive UTC the database stores."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as error:
        raise ValidationError("Give the time as YYYY-MM-DD HH:MM.", field="since") from error
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed
