"""Live events of a submission, published on Redis channel submission:<id>."""

from __future__ import annotations

import json
import logging
from typing import Any

import redis

from app.stores import get_redis

log = logging.getLogger(__name__)


def submission_channel(submission_id: int) -> str:
    """The channel a submission's events go to."""
    return f"submission:{submission_id}"


def publish(channel: str, event: dict[str, Any]) -> None:
    """Publish one JSON event (with a `type`); a Redis hiccup never fails a judgement."""
    try:
        get_redis().publish(channel, json.dumps(event, separators=(",", ":")))
    except redis.RedisError:
        log.warning("could not publish %s on %s", event.get("type"), channel, exc_info=True)
