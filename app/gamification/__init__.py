"""Gamification: XP, levels, badges, streaks, leaderboards; registered on the verdict."""

from flask import Flask

from app.gamification import boss_views  # noqa: F401  (its routes are on bp)
from app.gamification.views import bp

__all__ = ["bp", "init_app"]


def init_app(app: Flask) -> None:
    """Every real verdict pays XP, badges and streaks and hits running bosses in its
    transaction; the user hears of it on user:<id>, the class on boss:<id>, once committed.
    Submissions on a running boss's challenges are limited to one every 30 s; results a
    contest freeze hides pay at the unfreeze; a finalized round pays its medals and first
    solves."""
    from app.contests.finalized import register_finalized, register_thawed
    from app.gamification import boss, boss_sockets, contest_xp, frozen, handlers, service
    from app.judging.consequences import AFTER_COMMIT, IN_TRANSACTION, register
    from app.submissions.checks import register_check

    register(app, IN_TRANSACTION, handlers.apply_verdict, real_only=True)
    register(app, IN_TRANSACTION, boss.apply_hits, real_only=True)
    register(app, AFTER_COMMIT, handlers.announce_verdict, real_only=True)
    register(app, AFTER_COMMIT, boss.announce_hits, real_only=True)
    register_check(app, boss.check_submission)
    register_thawed(app, frozen.release)  # before the medals: XP held by the freeze first
    register_finalized(app, contest_xp.settle_round)
    if boss_sockets.bp.name not in app.blueprints:  # init_app may run twice on one app
        app.context_processor(service.header_context)
        app.register_blueprint(boss_sockets.bp)
