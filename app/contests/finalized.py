"""What other areas do once a round's results are final (contest XP and medal badges) or
unfrozen (the gamification a freeze held back), registered per app; contests imports none of
them.

A hook is `hook(round_)`, run after the finalize (or the unfreeze of a finalized round), or
after the unfreeze, is committed; it owns its own transaction. One that raises is logged; the
round stays final (or unfrozen).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, current_app

from app.models import Round

log = logging.getLogger(__name__)
Hook = Callable[[Round], None]
_KEY = "codedev.round_finalized"
_THAWED_KEY = "codedev.round_thawed"


def register_finalized(app: Flask, hook: Hook) -> None:
    """Add a hook (once per function)."""
    hooks: list[Hook] = app.extensions.setdefault(_KEY, [])
    if hook not in hooks:
        hooks.append(hook)


def run_finalized(round_: Round) -> None:
    for hook in current_app.extensions.get(_KEY, []):
        try:
            hook(round_)
        except Exception:  # a consequence must not undo the finalize
            log.exception("finalized hook %s failed for round %s", hook, round_.id)


def register_thawed(app: Flask, hook: Hook) -> None:
    """Add a hook run once a round's board is unfrozen (once per function)."""
    hooks: list[Hook] = app.extensions.setdefault(_THAWED_KEY, [])
    if hook not in hooks:
        hooks.append(hook)


def run_thawed(round_: Round) -> None:
    for hook in current_app.extensions.get(_THAWED_KEY, []):
        try:
            hook(round_)
        except Exception:  # a consequence must not undo the unfreeze
            log.exception("thawed hook %s failed for round %s", hook, round_.id)
