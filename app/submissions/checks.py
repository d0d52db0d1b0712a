"""Checks other areas add to submitting (a Boss Fight's rate limit), registered per app.

A check is `check(user, challenge, kind)` and raises an AppError to refuse the submission
before anything is stored; submissions imports none of the areas that register them.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

from app.models import Challenge, User

Check = Callable[[User, Challenge, str], None]
_KEY = "codedev.submission_checks"


def register_check(app: Flask, check: Check) -> None:
    """Add a check (once per function: an init_app run twice does not add it again)."""
    checks: list[Check] = app.extensions.setdefault(_KEY, [])
    if check not in checks:
        checks.append(check)


def run_checks(user: User, challenge: Challenge, kind: str) -> None:
    """Run every registered check; the first to raise refuses the submission."""
    for check in current_app.extensions.get(_KEY, []):
        check(user, challenge, kind)
