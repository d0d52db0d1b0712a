"""Publishing a judgement's live events (channel names: app.channels), never failing a judgement."""

from __future__ import annotations

import json
import logging
import queue
import threading
from types import TracebackType
from typing import Any

import redis

from app.stores import get_redis

log = logging.getLogger(__name__)


def publish(channel: str, event: dict[str, Any]) -> None:
    """Publish one JSON event (with a `type`); a Redis hiccup never fails a judgement."""
    _send(get_redis(), channel, event)


def _send(connection: redis.Redis, channel: str, event: dict[str, Any]) -> None:
    try:
        connection.publish(channel, json.dumps(event, separators=(",", ":")))
    except redis.RedisError:
        log.warning("could not publish %s on %s", event.get("type"), channel, exc_info=True)


class BackgroundPublisher:
    """Publishes events in order from a thread, so the judge never waits on a Redis round trip
    between two tests. Closing it waits until every event is out (do so before the final one)."""

    def __init__(self) -> None:
        self._connection = get_redis()  # taken here: the thread has no app context
        self._events: queue.SimpleQueue[tuple[str, dict[str, Any]] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._drain, name="event publisher", daemon=True)
        self._thread.start()

    def publish(self, channel: str, event: dict[str, Any]) -> None:
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
            _send(self._connection, *item)
