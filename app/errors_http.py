"""Turn errors into friendly pages, or `{"error": {"code", "message"}}` for the API."""

from __future__ import annotations

import contextlib
import logging

import redis
from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from app.errors import AppError
from app.extensions import db
from app.stores import store_down

log = logging.getLogger(__name__)
OUTAGE = "The site cannot reach its database or queue right now. Nothing was saved; try again in a minute."

TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Page not found",
    405: "Method not allowed",
    413: "Upload too large",
    429: "Too many requests",
    500: "Something went wrong",
    503: "Service unavailable",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def _respond(status: int, code: str, message: str) -> tuple[Response | str, int]:
    if _wants_json():
        return jsonify({"error": {"code": code, "message": message}}), status
    title = TITLES.get(status, "Error")
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(AppError)
    def _app_error(error: AppError) -> tuple[Response | str, int]:
        return _respond(error.status, error.code, error.message)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[Response | str, int]:
        return _respond(
            400, "csrf", "The form expired or was sent from elsewhere. Reload and try again."
        )

    @app.errorhandler(429)
    def _rate_limited(error: HTTPException) -> tuple[Response | str, int]:
        return _respond(
            429,
            "rate_limited",
            f"Too many requests ({error.description}). Wait a minute and try again.",
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[Response | str, int]:
        status = error.code or 500
        return _respond(
            status, (error.name or "error").lower().replace(" ", "_"), error.description or ""
        )

    @app.errorhandler(redis.RedisError)
    @app.errorhandler(SQLAlchemyError)
    def _store_outage(error: Exception) -> tuple[Response | str, int]:
        if not store_down(error):
            raise error  # a bug, not an outage: the 500 handler, with its traceback logged
        # The request's transaction goes with it: nothing half-written is left behind.
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()
        log.warning("store unavailable during %s %s: %s", request.method, request.path, error)
        if _wants_json():
            return jsonify({"error": {"code": "unavailable", "message": OUTAGE}}), 503
        # Rendered without the context processors: flask-login's loads the signed-in user from
        # the database that is down (base.html would too), which made this page a 500.
        page = current_app.jinja_env.get_template("errors/unavailable.html")
        return page.render(message=OUTAGE), 503

    @app.errorhandler(500)
    def _server_error(error: Exception) -> tuple[Response | str, int]:
        return _respond(500, "internal", "The error was logged. Try again in a moment.")
