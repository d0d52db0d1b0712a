"""Docker sandboxes for judging: `acquire(language_id)` gives one per judgement (see api.py)."""

from __future__ import annotations

from worker.sandbox.api import (
    Limits,
    RunResult,
    Sandbox,
    SandboxError,
    ServiceUnavailable,
)
from worker.sandbox.images import ensure_images
from worker.sandbox.pool import acquire, reap_orphans, replenish

__all__ = [
    "Limits",
    "RunResult",
    "Sandbox",
    "SandboxError",
    "ServiceUnavailable",
    "acquire",
    "ensure_images",
    "reap_orphans",
    "replenish",
]
