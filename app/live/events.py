"""Publishing live events: a JSON object with a `type` on a Redis channel, from any process."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask

from app.stores import get_redis


def submission_channel(submission_id: int) -> str:
    """Channel of one submission's progress (`submission.test`, `submission.done`)."""
    return f"submission:{submission_id}"


def user_channel(user_id: int) -> str:
    """Channel of one user's notifications."""
    return f"user:{user_id}"


def publish(channel: str, event: dict[str, Any], app: Flask | None = None) -> int:
    """Publish one event; returns how many web processes received it."""
    if "type" not in event:
        raise ValueError("a live event needs a type")
    receivers: int = get_redis(app).publish(channel, json.dumps(event))  # type: ignore[assignment]
    return receivers
