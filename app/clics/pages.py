"""Contest package pages: upload a CLICS contest package as a new round; download a round's."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.archives import read_zip
from app.clics import exporter, importer, package_reader
from app.clics.forms import ContestPackageForm
from app.contests.access import managed_round
from app.errors import AppError, Forbidden

bp = Blueprint("clics_pages", __name__, url_prefix="/rounds")


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_package() -> str | Response:
    """Upload a CLICS contest package (.zip); nothing is kept if it has a problem."""
    if not current_user.is_staff:
        raise Forbidden("Only teachers and admins import contests.")
    form = ContestPackageForm()
    if form.validate_on_submit():
        upload = form.file.data
        name = upload.filename or "contest.zip"
        try:
            files = read_zip(upload.read(), package_reader.CAPS, label=name)
            done = importer.store(package_reader.read_files(files), current_user,
                                  visibility=form.visibility.data or "public")  # fmt: skip
        except AppError as error:
            flash(f"{name}: {error.message}", "error")
        else:
            for warning in done.warnings:
                flash(f"Note: {warning}", "info")
            flash(f"Imported {done.round.name!r}.", "success")
            return redirect(url_for("contests.show", round_id=done.round.id))
    return render_template("clics/import.html", form=form)


@bp.get("/<int:round_id>/contest-package.zip")
@login_required
def export_package(round_id: int) -> Response:
    """Download the round as a CLICS contest package (results without sources)."""
    round_ = managed_round(current_user, round_id)
    return Response(exporter.export_zip(round_), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="contest-{round_.id}.zip"'})  # fmt: skip
