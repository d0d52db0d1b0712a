"""Notifications: notify(), the bell, mail from the outbox, preferences, unsubscribe."""

from flask import Blueprint, Flask

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def init_app(app: Flask) -> None:
    """The unsubscribe view without CSRF (RFC 8058), the header's count, the judging sources."""
    from app.extensions import csrf
    from app.notifications import sources

    csrf.exempt(views.unsubscribe)
    app.context_processor(views.header_context)
    sources.init_app(app)


from app.notifications import views  # noqa: E402,F401
