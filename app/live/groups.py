"""Sockets that see the same frames, written to by one thread per process.

A group is keyed by what its members may see (a round and an audience, say): one thread hears
the group's channels, turns each event into frames once, and writes the encoded bytes to every
member's socket itself. A notice to 500 sockets is then one wake-up and 500 non-blocking
writes, not 500 threads waking one after another for the GIL.

A write never blocks the group: what a member's socket cannot take at once waits in that
member's backlog, which the member's own (handler) thread sends; a member whose backlog
overflows is closed, and its client reconnects and reads the stored state again.
"""

from __future__ import annotations

import logging
import select
import socket
import ssl
import struct
import threading
from collections import deque
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app

from app.live.hub import RESYNC, get_hub

log = logging.getLogger(__name__)

# Frames a member may have waiting before it is closed as fallen behind.
BACKLOG_LIMIT = 64
# How often a member's handler wakes to notice that its client went away.
IDLE_SECONDS = 2.0
# How long a member's own thread waits for its client to take a frame before giving up on it.
SEND_SECONDS = 10.0
_STOP = object()


def text_frame(text: str) -> bytes:
    """One unmasked, uncompressed WebSocket text frame (RFC 6455 §5.2; with permessage-deflate
    negotiated, an uncompressed message is still allowed: RSV1 unset, RFC 7692 §6)."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x81, size)
    elif size < 1 << 16:
        head = struct.pack("!BBH", 0x81, 126, size)
    else:
        head = struct.pack("!BBQ", 0x81, 127, size)
    return head + payload


class Member:
    """One socket in a group: written to by the group's thread, drained by its own."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.sock = ws.sock
        # TLS terminated in this process: no non-blocking write of raw bytes, so the member's
        # own thread sends everything.
        self._direct = not isinstance(self.sock, ssl.SSLSocket)
        self._lock = threading.Lock()
        self._backlog: deque[bytes] = deque()
        self._wake = threading.Event()
        self.fallen_behind = False
        self.broken = False

    def write(self, data: bytes) -> None:
        """Send now what the socket takes without waiting; the rest goes to the backlog, after
        anything already there (frames never interleave)."""
        with self._lock:
            if self.fallen_behind or self.broken:
                return
            if self._backlog or not self._direct:
                if len(self._backlog) >= BACKLOG_LIMIT:
                    self.fallen_behind = True
                else:
                    self._backlog.append(data)
                self._wake.set()
                return
            try:
                sent = self.sock.send(data, socket.MSG_DONTWAIT)
            except BlockingIOError:
                sent = 0
            except OSError:
                self.broken = True
                self._wake.set()
                return
            if sent < len(data):
                self._backlog.append(data[sent:])
                self._wake.set()

    def send_text(self, text: str) -> None:
        """A frame of this member's own (its first, say), in order with the group's."""
        self.write(text_frame(text))

    def serve(self) -> None:
        """In the socket's handler thread: send the backlog until the client leaves or falls
        behind (then it is closed with 1013, and reconnects)."""
        while self.ws.connected and not self.broken:
            if self.fallen_behind:
                self.ws.close(reason=1013, message="fell behind; reconnect")
                return
            self._wake.wait(IDLE_SECONDS)
            self._wake.clear()
            while True:
                with self._lock:
                    if not self._backlog:
                        break
                    data = self._backlog[0]  # stays first until sent: the group appends after it
                if not self._send_within(data, SEND_SECONDS):
                    self.broken = True
                    return
                with self._lock:
                    self._backlog.popleft()

    def _send_within(self, data: bytes, seconds: float) -> bool:
        """Send all of data unless the client takes none of it for this long (or is gone)."""
        try:
            if not self._direct:  # TLS here: blocking, as simple-websocket's own send
                self.sock.sendall(data)
                return True
            view = memoryview(data)
            ready = select.poll()  # not select(): a busy process has descriptors above 1024
            ready.register(self.sock, select.POLLOUT)
            while view:
                if not ready.poll(seconds * 1000):
                    return False
                try:
                    view = view[self.sock.send(view, socket.MSG_DONTWAIT) :]
                except BlockingIOError:
                    continue
            return True
        except OSError:
            return False

    def stop(self) -> None:
        """Wait until no write of the group is under way (the handler then owns the socket)."""
        with self._lock:
            self.broken = True


class Group:
    """The members sharing one key, and the thread that writes their frames."""

    def __init__(self, app: Flask, channels: tuple[str, ...],
                 frames: Callable[[str], list[str]], resync: Callable[[], str]) -> None:  # fmt: skip
        self.members: set[Member] = set()
        self._app, self._channels = app, channels
        self._frames, self._resync = frames, resync
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._inbox: Any = None
        self._thread = threading.Thread(target=self._run, name="live-group", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("a live group could not subscribe")

    def stop(self) -> None:
        self._inbox.put(_STOP)

    def _run(self) -> None:
        with self._app.app_context(), get_hub(self._app).listen(*self._channels) as inbox:
            self._inbox = inbox
            self._ready.set()
            while (item := inbox.get()) is not _STOP:
                if inbox.dropped:  # events were lost: every member reconnects and resyncs
                    inbox.dropped = False
                    with self._lock:
                        for member in self.members:
                            member.fallen_behind = True
                            member._wake.set()
                    continue
                try:
                    texts = [self._resync()] if item is RESYNC else self._frames(str(item))
                except Exception:  # a frame that can't be built must not end the group
                    log.exception("could not build a live frame on %s", self._channels)
                    continue
                encoded = [text_frame(text) for text in texts]
                with self._lock:
                    members = list(self.members)
                for member in members:
                    for data in encoded:
                        member.write(data)


@contextmanager
def joined(key: Hashable, channels: tuple[str, ...], frames: Callable[[str], list[str]],
           resync: Callable[[], str], ws: Any) -> Iterator[Member]:  # fmt: skip
    """Put a socket in the group of its key (made, and subscribed, on first use) while the
    block runs; the group stops with its last member."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    registry: dict[Hashable, Group] = app.extensions.setdefault("live_groups", {})
    member = Member(ws)
    with _registry_lock:
        group = registry.get(key)
        if group is None:
            group = registry[key] = Group(app, channels, frames, resync)
        with group._lock:
            group.members.add(member)
    try:
        yield member
    finally:
        with _registry_lock:
            with group._lock:
                group.members.discard(member)
                empty = not group.members
            if empty and registry.get(key) is group:
                del registry[key]
                group.stop()
        member.stop()


_registry_lock = threading.Lock()
