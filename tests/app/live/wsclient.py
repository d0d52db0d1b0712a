"""A real WebSocket client for tests: connect with a token or cookie, read JSON frames."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from simple_websocket import Client as BaseClient

# A test fails (rather than hangs) when an expected frame does not come in this long.
RECEIVE_TIMEOUT = 15


class Client(BaseClient):
    """simple-websocket's client, minus a race: a frame that arrives in the same read as the
    handshake response would sit unseen in wsproto's buffer until more data came."""

    def handshake(self) -> None:
        super().handshake()
        # Still before the reader thread starts: nothing else touches the connection yet.
        self.connected = self._handle_events()


def ws_url(base: str, path: str) -> str:
    return "ws" + base[len("http") :] + path


def connect(base: str, path: str, *, token: str | None = None, **headers: str) -> Client:
    """Open a socket; a refused handshake raises ConnectionError."""
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return Client.connect(ws_url(base, path), headers=headers)


def receive(ws: Client) -> dict[str, Any]:
    """The next frame as JSON."""
    raw = ws.receive(timeout=RECEIVE_TIMEOUT)
    assert raw is not None, "no frame arrived"
    return json.loads(raw)


def receive_until(ws: Client, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """Skip frames (other test sessions share the Redis server) until one is wanted."""
    for _ in range(200):
        frame = receive(ws)
        if wanted(frame):
            return frame
    raise AssertionError("the expected frame never came")
