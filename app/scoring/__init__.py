"""Scoring: pure ICPC / IOI / assignment rules, the freeze, standings; the score cache."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Every verdict of a round's submission updates its board (in the verdict's transaction)
    and tells the board's watchers once committed."""
    from app.judging.consequences import AFTER_COMMIT, IN_TRANSACTION, register
    from app.scoring import live

    register(app, IN_TRANSACTION, live.update_board, real_only=True)
    register(app, AFTER_COMMIT, live.announce_board, real_only=True)
