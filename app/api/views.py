"""API views: create and read submissions, and the OpenAPI document describing them."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for
from flask_login import current_user

from app.api import bp
from app.api.openapi import openapi_document
from app.errors import AppError, ValidationError
from app.submissions import solve as service


class Unauthorized(AppError):
    """No session and no valid `Authorization: Bearer` token."""

    status = 401
    code = "unauthorized"


@bp.before_request
def _require_login() -> None:
    """Every endpoint but the OpenAPI document needs a user."""
    if request.endpoint != "api.openapi" and not current_user.is_authenticated:
        raise Unauthorized(
            "Log in, or send a personal API token as `Authorization: Bearer <token>`."
        )


def _json_body() -> dict[str, Any]:
    # A JSON body is also what keeps this CSRF-exempt API safe with session cookies: a
    # cross-site form cannot send application/json without a CORS preflight.
    if not request.is_json:
        raise ValidationError("Send a JSON object with Content-Type: application/json.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError("The body must be a JSON object.")
    return body


def _text_field(body: dict[str, Any], name: str, *, default: str | None = None) -> str:
    value = body.get(name, default)
    if not isinstance(value, str) or (not value and default is None):
        raise ValidationError(f"`{name}` must be a non-empty string.", field=name)
    return value


def _source_field(body: dict[str, Any]) -> str | list[tuple[str, str]]:
    """`source` (one file) or `files` (several: [{"name", "content"}]), not both."""
    if "files" not in body:
        return _text_field(body, "source")
    if "source" in body:
        raise ValidationError("Send `source` (one file) or `files`, not both.", field="files")
    sent = body["files"]
    if not isinstance(sent, list) or not all(
        isinstance(item, dict)
        and isinstance(item.get("name"), str)
        and isinstance(item.get("content"), str)
        for item in sent
    ):
        raise ValidationError(
            '`files` must be a list of {"name": string, "content": string}.', field="files"
        )
    return [(item["name"], item["content"]) for item in sent]


def _round_field(body: dict[str, Any]) -> int | None:
    value = body.get("round")
    if value is None:
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError("`round` must be a round id (an integer).", field="round")
    return value


@bp.post("/submissions")
def create_submission() -> tuple[Response, int, dict[str, str]]:
    """Submit source code for a challenge (kind "submit", or "samples" for a sample run)."""
    body = _json_body()
    submission = service.submit(
        current_user,
        _text_field(body, "challenge"),
        _text_field(body, "language"),
        _source_field(body),
        kind=_text_field(body, "kind", default="submit"),
        round_id=_round_field(body),
        entry=_text_field(body, "entry", default="") or None,
    )
    judgement = submission.judgements[-1]
    location = url_for("api.get_submission", submission_id=submission.id)
    payload = {
        "id": submission.id,
        "status": judgement.status,
        "judgement": {"id": judgement.id, "status": judgement.status},
        "url": location,
        "socket": f"/ws/submissions/{submission.id}",
    }
    return jsonify(payload), 201, {"Location": location}


@bp.get("/submissions/<int:submission_id>")
def get_submission(submission_id: int) -> Response:
    """A submission's status, verdict, score and tests (hidden tests without their data)."""
    return jsonify(service.submission_view(current_user, submission_id))


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API."""
    return jsonify(openapi_document())
