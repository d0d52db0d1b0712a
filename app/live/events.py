"""The one way to publish a live event: a JSON object with a `type` on a Redis channel.

Policy: an event reports something already committed (a verdict, an override, a test's
result). A Redis failure while telling watchers about it is logged and counted
(`publish_failures`), never raised: the committed action must not turn into a 500 or a failed
job because a live update was lost, and a socket re-reads the stored state when it reconnects.
Payloads are built in each area's `events.py`; this module only sends them.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from types import TracebackType
from typing import Any

import redis
from flask import Flask, current_app

from app.stores import get_redis

log = logging.getLogger(__name__)

_FAILURES = "codedev.live.publish_failures"


class FailureCount:
    """How many events this process could not publish (for operators and tests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    def add(self) -> None:
        with self._lock:
            self.value += 1


def publish(channel: str, event: dict[str, Any], app: Flask | None = None) -> int:
    """Publish one event; how many web processes received it (0 when Redis failed)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    return _send(get_redis(app), _failures(app), channel, event)


def publish_failures(app: Flask | None = None) -> int:
    """How many events this process failed to publish since the app was built."""
    return _failures(app or current_app._get_current_object()).value  # type: ignore[attr-defined]


def _failures(app: Flask) -> FailureCount:
    return app.extensions.setdefault(_FAILURES, FailureCount())


def _send(
    connection: redis.Redis, failures: FailureCount, channel: str, event: dict[str, Any]
) -> int:
    if "type" not in event:  # a programming error, not an outage: tests must see it
        raise ValueError("a live event needs a type")
    try:
        receivers: int = connection.publish(channel, json.dumps(event, separators=(",", ":")))  # type: ignore[assignment]
    except redis.RedisError:
        failures.add()
        log.warning("could not publish %s on %s", event.get("type"), channel, exc_info=True)
        return 0
    return receivers


class BackgroundPublisher:
    """Publishes events in order from a thread, so the judge never waits on a Redis round trip
    between two tests. Closing it waits until every event is out (do so before the final one)."""

    def __init__(self, app: Flask | None = None) -> None:
        app = app or current_app._get_current_object()  # type: ignore[attr-defined]
        # Taken here: the thread has no app context.
        self._connection = get_redis(app)
        self._failures = _failures(app)
        self._events: queue.SimpleQueue[tuple[str, dict[str, Any]] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._drain, name="event publisher", daemon=True)
        self._thread.start()

    def publish(self, channel: str, event: dict[str, Any]) -> None:
        if "type" not in event:  # refused here, where the caller can see it
            raise ValueError("a live event needs a type")
        self._events.put((channel, event))

    def close(self, timeout: float = 10.0) -> None:
        """Send what is queued (waiting at most timeout seconds), then stop the thread."""
        self._events.put(None)
        self._thread.join(timeout)

    def __enter__(self) -> BackgroundPublisher:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:  # fmt: skip
        self.close()

    def _drain(self) -> None:
        while (item := self._events.get()) is not None:
            _send(self._connection, self._failures, *item)
