"""The challenge editor's student view: a statement rendered while the teacher types."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.challenges import bp
from app.challenges import service as challenges
from app.errors import TooLarge, ValidationError

# JSON.stringify keeps non-ASCII as UTF-8 (at most 4 bytes a character): refuse bigger bodies
# before parsing them; the service caps the characters themselves.
MAX_PREVIEW_BYTES = 4 * challenges.MAX_STATEMENT_CHARS + 4096


@bp.post("/preview")
@login_required
def preview() -> Response:
    """Staff: the sanitized HTML of {"statement_md", "slug"?}, exactly as students get it."""
    if (request.content_length or 0) > MAX_PREVIEW_BYTES:
        raise TooLarge("The statement is too large to preview.")
    payload = request.get_json(silent=True)
    text = payload.get("statement_md") if isinstance(payload, dict) else None
    if not isinstance(text, str):
        raise ValidationError('Send JSON: {"statement_md": "..."}.', field="statement_md")
    slug = payload.get("slug") if isinstance(payload, dict) else None
    if slug is not None and not isinstance(slug, str):
        raise ValidationError("The slug must be text.", field="slug")
    return jsonify({"html": challenges.preview_statement(current_user, text, slug or None)})
