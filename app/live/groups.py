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

import contextlib
import logging
import queue
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
# How long a member that left waits for its client to take the last frames (a Close, say).
LEAVE_SECONDS = 2.0
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


class _Guarded:
    """A member's socket as simple-websocket sees it (`ws.sock`): its reader thread's Pong and
    Close frames, and `ws.close()`, go through the member's backlog like the group's frames, so
    no control frame is ever written into the middle of a partly sent frame."""

    def __init__(self, sock: Any, member: Member) -> None:
        self._sock, self._member = sock, member

    def send(self, data: bytes) -> int:
        self._member.write(bytes(data), control=True)
        return len(data)

    def sendall(self, data: bytes) -> None:
        self.send(data)

    def fileno(self) -> int:  # the reader thread's selector
        return int(self._sock.fileno())

    def __getattr__(self, name: str) -> Any:  # recv, close, ...
        return getattr(self._sock, name)


class Member:
    """One socket in a group: written to by the group's thread, drained by its own.

    Every write to the socket (the group's frames, this member's own, simple-websocket's Pong
    and Close) goes through `write`: sent at once only while nothing waits, else queued behind
    what does, so one frame is always sent whole before the next one starts."""

    def __init__(self, ws: Any, *, held: bool = False) -> None:
        self.ws = ws
        self.sock = ws.sock
        # TLS terminated in this process: no non-blocking write of raw bytes, so the member's
        # own thread sends everything.
        self._direct = not isinstance(self.sock, ssl.SSLSocket)
        self._lock = threading.Lock()
        self._backlog: deque[bytes] = deque()
        self._partial = False  # the backlog's first frame is partly sent already
        self._wake = threading.Event()
        self._left = False  # out of its group: whoever writes now sends it itself
        self._held = held  # everything waits in the backlog until `release` puts a frame first
        self.fallen_behind = False
        self.broken = False
        ws.sock = _Guarded(self.sock, self)

    def write(self, data: bytes, *, control: bool = False) -> None:
        """Send now what the socket takes without waiting; the rest goes to the backlog, after
        anything already there (frames never interleave). A control frame (or this member's
        own after it left its group) is never refused for a long backlog."""
        if self._left and not control:
            return  # the group's last frames to a member that left (checked first: no wait)
        with self._lock:
            if self.broken or (self._left and not control):
                return
            if self._left:  # no handler serves the backlog any more: send it all here
                self._backlog.append(data)
                self._drain_locked(LEAVE_SECONDS)
                return
            if self.fallen_behind and not control:
                return
            if self._backlog or self._held or not self._direct:
                if len(self._backlog) >= BACKLOG_LIMIT and not control:
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
                self._partial = sent > 0
                self._wake.set()

    def release(self, first: str | None) -> None:
        """Send this member's own first frame (once its group hears the channels), then what
        the group wrote meanwhile."""
        with self._lock:
            if first is not None:
                self._backlog.appendleft(text_frame(first))  # nothing was sent while held
            self._held = False
            self._wake.set()

    def send_text(self, text: str) -> None:
        """A frame of this member's own (its first, say), in order with the group's."""
        self.write(text_frame(text), control=True)

    def serve(self) -> None:
        """In the socket's handler thread: send the backlog until the client leaves or falls
        behind (then it is closed with 1013, and reconnects)."""
        while self.ws.connected and not self.broken:
            if self.fallen_behind:
                with self._lock:  # frames not yet started are dropped; a started one finishes
                    keep = [self._backlog[0]] if self._backlog and self._partial else []
                    self._backlog = deque(keep)
                self.ws.close(reason=1013, message="fell behind; reconnect")  # queued: write
                self._drain()
                return
            self._wake.wait(IDLE_SECONDS)
            self._wake.clear()
            self._drain()

    def _drain(self) -> None:
        """Send the backlog in order (the group and the reader thread append after it)."""
        while not self.broken:
            with self._lock:
                if not self._backlog:
                    return
                data = self._backlog[0]  # stays first until sent: the others append after it
            if not self._send_within(data, SEND_SECONDS):
                self.broken = True
                return
            with self._lock:
                self._backlog.popleft()
                self._partial = False

    def _drain_locked(self, seconds: float) -> None:
        while self._backlog and not self.broken:
            if not self._send_within(self._backlog[0], seconds):
                self.broken = True
                return
            self._backlog.popleft()
            self._partial = False

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
        except (OSError, ValueError):  # ValueError: the reader thread closed the socket
            return False

    def stop(self) -> None:
        """Out of the group: no write of the group is under way or comes later; what still
        waits (a Close, say) is sent now, and later writes (flask-sock's close, a Pong) at once."""
        with self._lock:
            self._left = True
            self._drain_locked(LEAVE_SECONDS)


class Group:
    """The members sharing one key, and the thread that writes their frames."""

    def __init__(self, app: Flask, channels: tuple[str, ...],
                 frames: Callable[[str], list[str]], resync: Callable[[], str]) -> None:  # fmt: skip
        self.members: set[Member] = set()
        self._app, self._channels = app, channels
        self._frames, self._resync = frames, resync
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._stopping = threading.Event()
        self._inbox: Any = None
        self._thread = threading.Thread(target=self._run, name="live-group", daemon=True)
        self._thread.start()

    def wait_ready(self, seconds: float = 10.0) -> None:
        """Wait (outside any registry lock) until the group hears its channels."""
        if not self._ready.wait(seconds) or not self._thread.is_alive():
            raise RuntimeError("a live group could not subscribe")

    def alive(self) -> bool:
        return self._thread.is_alive() and not self._stopping.is_set()

    def stop(self) -> None:
        """Ask the thread to end; never waits (its inbox may be full behind a slow frame)."""
        self._stopping.set()
        inbox = self._inbox
        if inbox is not None:
            # Wakes a thread waiting on an empty inbox; with a full one it is not waiting, and
            # sees the event after the frame it builds now.
            with contextlib.suppress(queue.Full):
                inbox.put_nowait(_STOP)

    def _run(self) -> None:
        try:
            with self._app.app_context(), get_hub(self._app).listen(*self._channels) as inbox:
                self._inbox = inbox
                self._ready.set()
                while not self._stopping.is_set():
                    item = inbox.get()
                    if item is _STOP or self._stopping.is_set():
                        break
                    self._handle(inbox, item)
        except Exception:  # joiners see the dead thread and make a new group
            log.exception("a live group on %s ended", self._channels)
            raise

    def _handle(self, inbox: Any, item: object) -> None:
        if inbox.dropped:  # events were lost: every member reconnects and resyncs
            inbox.dropped = False
            with self._lock:
                for member in self.members:
                    member.fallen_behind = True
                    member._wake.set()
            return
        try:
            texts = [self._resync()] if item is RESYNC else self._frames(str(item))
        except Exception:  # a frame that can't be built must not end the group
            log.exception("could not build a live frame on %s", self._channels)
            return
        encoded = [text_frame(text) for text in texts]
        with self._lock:
            members = list(self.members)
        for member in members:
            for data in encoded:
                member.write(data)


@contextmanager
def joined(key: Hashable, channels: tuple[str, ...], frames: Callable[[str], list[str]],
           resync: Callable[[], str], ws: Any, first: str | None = None) -> Iterator[Member]:  # fmt: skip
    """Put a socket in the group of its key (made, and subscribed, on first use; made again if
    its thread died) while the block runs; the group stops with its last member. `first` is
    this member's own first frame, sent before any of the group's."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    registry: dict[Hashable, Group] = app.extensions.setdefault("live_groups", {})
    member = Member(ws, held=True)
    with _registry_lock:  # never waits on a thread or an inbox: every round's sockets take it
        group = registry.get(key)
        if group is None or not group.alive():
            if group is not None:
                group.stop()
            group = registry[key] = Group(app, channels, frames, resync)
        with group._lock:
            group.members.add(member)
    try:
        group.wait_ready()
        member.release(first)
        yield member
    finally:
        with _registry_lock:
            with group._lock:
                group.members.discard(member)
                empty = not group.members
            if empty and registry.get(key) is group:
                del registry[key]
            else:
                empty = False
        if empty:
            group.stop()
        member.stop()


_registry_lock = threading.Lock()
