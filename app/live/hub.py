"""The per-process fan-out: one Redis pattern subscription, a registry channel -> inboxes."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import redis
from flask import Flask, current_app

from app.channels import KINDS, channel_prefix

log = logging.getLogger(__name__)

# Put in every inbox after the subscription was re-established: events may have been missed,
# so each socket re-sends its stored state.
RESYNC = object()
# A socket that stops reading gets no more than this many pending events; then it is dropped.
INBOX_LIMIT = 1000


class Inbox(queue.Queue):
    """Events waiting for one socket; `dropped` is set when it overflowed and lost some."""

    def __init__(self) -> None:
        super().__init__(maxsize=INBOX_LIMIT)
        self.dropped = False


class Hub:
    """Forwards every message on the patterns to the inboxes registered for its channel."""

    def __init__(self, connect: Callable[[], redis.Redis], patterns: tuple[str, ...]) -> None:
        self._connect = connect
        self._patterns = patterns
        self._lock = threading.Lock()
        self._inboxes: dict[str, set[Inbox]] = {}
        self._ready = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pubsub: redis.client.PubSub | None = None

    def start(self, timeout: float = 10.0) -> None:
        """Start the subscriber thread once; wait until Redis confirmed the subscription."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stopping.clear()
                self._thread = threading.Thread(target=self._run, name="live-hub", daemon=True)
                self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("the live-event subscriber could not subscribe to Redis")

    def stop(self) -> None:
        """Stop the subscriber thread (tests and shutdown)."""
        self._stopping.set()
        pubsub = self._pubsub
        if pubsub is not None:
            # Closing the connection under listen() ends the loop with a connection error.
            pubsub.close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @contextmanager
    def listen(self, channel: str, *more: str) -> Iterator[Inbox]:
        """Register one inbox for the channels while the block runs (subscribed before it
        starts); a staff socket, say, hears the public channel and the jury's in one inbox."""
        self.start()
        inbox = Inbox()
        channels = (channel, *more)
        with self._lock:
            for name in channels:
                self._inboxes.setdefault(name, set()).add(inbox)
        try:
            yield inbox
        finally:
            with self._lock:
                for name in channels:
                    boxes = self._inboxes.get(name)
                    if boxes is not None:
                        boxes.discard(inbox)
                        if not boxes:
                            del self._inboxes[name]

    def listeners(self) -> int:
        """How many inboxes are registered (for the benchmark and tests)."""
        with self._lock:
            return sum(len(boxes) for boxes in self._inboxes.values())

    def dispatch(self, channel: str, data: str | object) -> None:
        """Hand one message to every inbox of channel; a full inbox is marked, never waited on."""
        with self._lock:
            boxes = list(self._inboxes.get(channel, ()))
        for inbox in boxes:
            _offer(inbox, data)

    def _broadcast_resync(self) -> None:
        with self._lock:
            boxes = [box for boxes in self._inboxes.values() for box in boxes]
        for box in boxes:
            _offer(box, RESYNC)

    def _run(self) -> None:
        delay = 0.5
        first = True
        while not self._stopping.is_set():
            try:
                pubsub = self._connect().pubsub()
                self._pubsub = pubsub
                pubsub.psubscribe(*self._patterns)
                confirmed = 0
                for message in pubsub.listen():
                    if self._stopping.is_set():
                        break
                    kind = message["type"]
                    if kind == "pmessage":
                        channel = _text(message["channel"])
                        self.dispatch(channel, _text(message["data"]))
                    elif kind == "psubscribe":
                        confirmed += 1
                        if confirmed == len(self._patterns):
                            delay = 0.5
                            if not first:
                                self._broadcast_resync()
                            first = False
                            self._ready.set()
                pubsub.close()
            except (redis.RedisError, OSError, ValueError) as error:
                if self._stopping.is_set():
                    break
                log.warning(
                    "live-event subscriber lost Redis (%s); retrying in %.1fs", error, delay
                )
                self._stopping.wait(delay)
                delay = min(delay * 2, 10.0)


def _offer(inbox: Inbox, item: object) -> None:
    # The subscriber thread never blocks on a slow socket: that socket is told it lost events.
    try:
        inbox.put_nowait(item)
    except queue.Full:
        inbox.dropped = True


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def get_hub(app: Flask | None = None) -> Hub:
    """The app's hub (one per process), created on first use; its thread starts lazily."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    hub = app.extensions.get("live_hub")
    if hub is None:
        with _create_lock:
            hub = app.extensions.get("live_hub")
            if hub is None:
                url = app.config["REDIS_URL"]
                prefix = channel_prefix(app)
                # Its own connection: a subscribed connection can do nothing else.
                hub = Hub(
                    lambda: redis.Redis.from_url(url, health_check_interval=30),
                    tuple(f"{prefix}{kind}:*" for kind in KINDS),
                )
                app.extensions["live_hub"] = hub
    return hub


_create_lock = threading.Lock()
