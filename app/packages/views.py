"""Package pages: download a challenge as a Kattis package, upload one as a new draft."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.challenges import service as challenges
from app.errors import AppError
from app.packages import bp
from app.packages.exporter import export_package
from app.packages.forms import PackageForm
from app.packages.importer import import_zip_bytes


@bp.get("/<slug>/export")
@login_required
def export(slug: str) -> Response:
    """Download the challenge as a Kattis problem package."""
    challenge = challenges.editable_challenge(current_user, slug)
    return Response(
        export_package(challenge),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{challenge.slug}.zip"'},
    )


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_package() -> str | Response:
    """Upload a Kattis problem package (.zip); nothing is kept if it has a problem."""
    challenges.require_staff(current_user)
    form = PackageForm()
    warnings: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = import_zip_bytes(
                upload.read(), upload.filename or "package.zip", owner=current_user,
                slug=(form.slug.data or "").strip() or None,
            )  # fmt: skip
        except AppError as error:
            flash(error.message, "error")
        else:
            for warning in result.warnings:
                flash(f"Note: {warning}", "info")
            flash(f"Imported {result.challenge.title!r} as a draft.", "success")
            return redirect(url_for("challenges.solutions", slug=result.challenge.slug))
    return render_template("packages/import.html", form=form, warnings=warnings)
