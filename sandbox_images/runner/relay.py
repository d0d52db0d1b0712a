"""An interactive run's two streams (runner side): the worker's frames feed the program's stdin,
the program's stdout goes back to the worker as frames while it runs.

Frames in: {"op": "data"} with one blob, {"op": "eof"}. Frames out: the same two. Nothing the
program writes is ever parsed here; its bytes travel only as blobs. Input the program does not
read waits in a buffer, bounded by the other side's output limit (the worker's concern), so
neither side can block the other or the runner.
"""

from __future__ import annotations

import errno
import json
import os
import struct

CHUNK = 1 << 16


class Relay:
    """State of one interactive run; execute() drives it from its poll loop."""

    def __init__(self, send, pending: bytearray) -> None:  # noqa: ANN001 (runner.send)
        self.send = send
        self.pending = pending  # the runner's unparsed stdin, handed back when the run ends
        self.to_program = bytearray()
        self.input_ended = False
        self.stdin_w: int | None = None

    def take(self, chunk: bytes) -> None:
        """Bytes from the worker: whole frames are applied, a partial one waits."""
        if not chunk:
            self.input_ended = True  # the worker went away: the program gets EOF
            return
        self.pending += chunk
        while len(self.pending) >= 4:
            (size,) = struct.unpack(">I", self.pending[:4])
            if len(self.pending) < 4 + size:
                return
            header = json.loads(bytes(self.pending[4 : 4 + size]))
            lengths = [int(n) for n in header.get("blobs", [])]
            if len(self.pending) < 4 + size + sum(lengths):
                return
            body = bytes(self.pending[4 + size : 4 + size + sum(lengths)])
            del self.pending[: 4 + size + sum(lengths)]
            if header.get("op") == "data" and self.stdin_w is not None:
                self.to_program += body
            elif header.get("op") == "eof":
                self.input_ended = True

    def wants_write(self) -> bool:
        return self.stdin_w is not None and bool(self.to_program)

    def write(self) -> None:
        """Give the program what it can take now, never blocking."""
        if self.stdin_w is None:
            return
        try:
            written = os.write(self.stdin_w, self.to_program[:CHUNK])
        except BlockingIOError:
            return
        except OSError as error:
            if error.errno != errno.EPIPE:
                raise
            self.close_stdin()  # the program closed its stdin: what it never read is dropped
            return
        del self.to_program[:written]

    def maybe_close(self) -> None:
        """EOF for the program once the worker's input ended and all of it was written."""
        if self.input_ended and not self.to_program:
            self.close_stdin()

    def close_stdin(self) -> None:
        if self.stdin_w is not None:
            os.close(self.stdin_w)
            self.stdin_w = None
        self.to_program.clear()

    def output(self, chunk: bytes) -> None:
        self.send({"op": "data"}, (chunk,))

    def output_ended(self) -> None:
        self.send({"op": "eof"})
