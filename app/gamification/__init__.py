"""Gamification: XP, levels, badges, streaks, leaderboards; registered on the verdict."""

from flask import Flask

from app.gamification.views import bp

__all__ = ["bp", "init_app"]


def init_app(app: Flask) -> None:
    """Every real verdict pays XP, badges and streaks in its transaction; the user hears of it
    on user:<id> once committed."""
    from app.gamification import handlers, service
    from app.judging.consequences import AFTER_COMMIT, IN_TRANSACTION, register

    register(app, IN_TRANSACTION, handlers.apply_verdict, real_only=True)
    register(app, AFTER_COMMIT, handlers.announce_verdict, real_only=True)
    app.context_processor(service.header_context)
