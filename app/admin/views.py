"""Admin views (placeholder until the accounts work lands)."""

from __future__ import annotations

from flask import abort

from app.admin import bp


@bp.get("/users")
def users() -> str:
    """List and create users."""
    abort(404)
