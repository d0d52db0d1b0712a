"""Publishing live events: a JSON object with a `type` on a Redis channel, from any process."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask

from app.stores import get_redis


def publish(channel: str, event: dict[str, Any], app: Flask | None = None) -> int:
    """Publish one event; returns how many web processes received it."""
    if "type" not in event:
        raise ValueError("a live event needs a type")
    receivers: int = get_redis(app).publish(channel, json.dumps(event))  # type: ignore[assignment]
    return receivers
