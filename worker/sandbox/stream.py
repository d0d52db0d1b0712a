"""The worker's end of the runner protocol over a Docker attach stream.

Docker multiplexes the container's stdout and stderr into frames (8-byte header: stream id,
three zero bytes, big-endian length). Inside stdout the runner speaks its own frames: a 4-byte
length, a JSON header whose "blobs" lists the lengths of the raw payloads that follow.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import struct
import threading
from typing import Any

from worker.sandbox.api import SandboxError

log = logging.getLogger(__name__)
MAX_HEADER = 1 << 20  # a runner header is small JSON; anything larger means a broken stream


class RunnerStream:
    """Requests to and replies from one runner; one request at a time."""

    def __init__(self, sock: Any) -> None:
        # docker-py hands back a SocketIO wrapper for unix sockets; talk to the socket itself.
        self._sock: socket.socket = getattr(sock, "_sock", sock)
        self._stdout = bytearray()
        self._stderr = bytearray()
        # An interactive run sends from one thread while another reads its replies.
        self._send_lock = threading.Lock()

    def call(self, header: dict[str, Any], blobs: tuple[bytes, ...] = (), *,
             timeout: float) -> tuple[dict[str, Any], list[bytes]]:  # fmt: skip
        """Send one request and wait (at most timeout seconds) for its reply."""
        self._sock.settimeout(timeout)
        self.send(header, blobs)
        return self.receive()

    def send(self, header: dict[str, Any], blobs: tuple[bytes, ...] = ()) -> None:
        """Send one frame (an interactive run's input frames are sent while it runs)."""
        body = json.dumps({**header, "blobs": [len(b) for b in blobs]}).encode()
        try:
            with self._send_lock:
                self._sock.sendall(b"".join([struct.pack(">I", len(body)), body, *blobs]))
        except OSError as error:
            raise SandboxError(f"lost the runner: {error}{self._stderr_tail()}") from error

    def receive(self) -> tuple[dict[str, Any], list[bytes]]:
        """The runner's next frame (within the socket's timeout)."""
        try:
            (size,) = struct.unpack(">I", self._take(4))
            if size > MAX_HEADER:
                raise SandboxError(f"runner sent a {size}-byte header")
            reply = json.loads(self._take(size))
            payload = [self._take(int(n)) for n in reply.get("blobs", [])]
        except (OSError, ValueError) as error:
            raise SandboxError(f"lost the runner: {error}{self._stderr_tail()}") from error
        return reply, payload

    def set_timeout(self, timeout: float) -> None:
        self._sock.settimeout(timeout)

    def close(self) -> None:
        """End the stream now; the runner reads EOF and exits."""
        # shutdown, not just close: docker-py's file wrapper around this socket may still be
        # referenced (until garbage collection), and close() alone waits for it.
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self._sock.close()

    def _take(self, count: int) -> bytes:
        """count bytes of the runner's stdout, reading Docker frames as needed."""
        while len(self._stdout) < count:
            kind, payload = self._frame()
            if kind == 1:
                self._stdout += payload
            else:
                self._stderr = (self._stderr + payload)[-4096:]
        data = bytes(self._stdout[:count])
        del self._stdout[:count]
        return data

    def _frame(self) -> tuple[int, bytes]:
        head = self._exact(8)
        kind, size = head[0], struct.unpack(">I", head[4:])[0]
        return kind, self._exact(size)

    def _exact(self, count: int) -> bytes:
        buffer = bytearray(count)
        view = memoryview(buffer)
        while view:
            got = self._sock.recv_into(view)
            if not got:
                raise SandboxError(f"the runner stream ended{self._stderr_tail()}")
            view = view[got:]
        return bytes(buffer)

    def _stderr_tail(self) -> str:
        text = self._stderr.decode(errors="replace").strip()
        return f" (runner said: {text[-500:]})" if text else ""
