"""Submissions: accepting source code, sending it to the judge, announcing its verdicts."""

from flask import Flask

from app.judging.consequences import AFTER_COMMIT, register
from app.submissions import events


def init_app(app: Flask) -> None:
    """Register the submission's consequences of a verdict: its live events."""
    register(app, AFTER_COMMIT, events.announce)
