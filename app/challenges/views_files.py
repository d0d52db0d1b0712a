"""Statement images (upload and delete on the editor, the URL statements load them from) and
attachments' downloads."""

from __future__ import annotations

import io

from flask import flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.challenges import attachments, bp, forms
from app.challenges import files as images
from app.errors import AppError


@bp.post("/<slug>/images")
@login_required
def upload_image(slug: str) -> Response:
    """Keep an uploaded image with the challenge; the page lists its Markdown snippet."""
    form = forms.ImageForm(prefix="image")
    if not form.validate_on_submit():
        flash(next(iter(form.file.errors), "The form expired; try again."), "error")
        return redirect(url_for("challenges.edit", slug=slug, _anchor="images"))
    upload = form.file.data
    try:
        image = images.upload_image(
            current_user, slug, upload.filename or "", upload.read(images.MAX_IMAGE_BYTES + 1)
        )
    except AppError as error:
        flash(error.message, "error")
    else:
        flash(f"{image.name} uploaded: paste {image.snippet} into the statement.", "success")
    return redirect(url_for("challenges.edit", slug=slug, _anchor="images"))


@bp.post("/<slug>/images/delete")
@login_required
def delete_image(slug: str) -> Response:
    """Remove a statement image by name."""
    if forms.EmptyForm().validate_on_submit():
        name = request.form.get("name", "")
        images.delete_image(current_user, slug, name)
        flash(f"{name} deleted.", "success")
    else:
        flash("The form expired; try again.", "error")
    return redirect(url_for("challenges.edit", slug=slug, _anchor="images"))


@bp.get("/<slug>/files/<path:name>")
def statement_file(slug: str, name: str) -> Response:
    """A statement image, to whoever may see the challenge; 404 for anything else."""
    served = images.statement_file(current_user, slug, name)
    response = Response(served.data, mimetype=served.content_type)
    response.set_etag(served.sha256)
    # private: a draft's or a course's images must not sit in a shared cache; no-cache: a
    # replaced image (same name, new bytes) shows at once, revalidated by its ETag.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response.make_conditional(request)


@bp.get("/<slug>/attachments/<path:name>")
def attachment(slug: str, name: str) -> Response:
    """An attachment (a testing tool, say), to whoever may see the challenge; 404 otherwise."""
    return send_attachment(attachments.visible_attachment(current_user, slug, name), name)


def send_attachment(served: images.ServedFile, name: str) -> Response:
    """An attachment's download (the solve page's route for a round's problem sends it too)."""
    # send_file writes the download name safely (filename* for a name beyond ASCII).
    response = send_file(
        io.BytesIO(served.data),
        mimetype=served.content_type,
        as_attachment=True,
        download_name=name.rsplit("/", 1)[-1],
        etag=served.sha256,
        conditional=True,
    )
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
