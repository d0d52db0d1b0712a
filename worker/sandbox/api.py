"""The sandbox interface the judge relies on (implemented in this package with Docker).

One Sandbox is one container for one judgement: it is never reused by another
submission. The judge writes the source, compiles once, then runs the program
once per test with that test's input on stdin. Expected answers never enter it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

# Run outcomes reported by the in-container runner (the judge maps them to verdicts).
OK = "ok"  # exited normally with code 0
NONZERO = "nonzero"  # exited with a non-zero code
SIGNALED = "signaled"  # killed by a signal not caused by a limit
TIME_LIMIT = "time_limit"  # CPU time or wall time exceeded
MEMORY_LIMIT = "memory_limit"  # memory limit exceeded (including the OOM killer)
OUTPUT_LIMIT = "output_limit"  # stdout or stderr exceeded the output limit
SANDBOX_ERROR = "sandbox_error"  # the runner itself failed: the judge's fault (IE)


class SandboxError(RuntimeError):
    """The sandbox machinery failed (lost container, broken stream): retry the judgement."""


class ServiceUnavailable(SandboxError):
    """No Docker engine, or no image for the language: the operator must act."""


@dataclass(frozen=True)
class Limits:
    """Limits of one run; time is CPU time, wall time is a multiple of it."""

    time_ms: int = 2000
    memory_mb: int = 256
    output_kb: int = 8192
    wall_ms: int | None = None  # default: 2 * time_ms + 1000
    processes: int = 64

    @property
    def effective_wall_ms(self) -> int:
        return self.wall_ms if self.wall_ms is not None else 2 * self.time_ms + 1000


@dataclass
class CompileResult:
    """What the compile step said."""

    ok: bool
    output: str  # compiler messages, capped, decoded with replacement
    time_ms: int = 0
    timed_out: bool = False


@dataclass
class RunResult:
    """What one run of the program did."""

    status: str  # one of the outcome constants above
    exit_code: int | None
    signal: int | None
    time_ms: int  # CPU time (user + sys)
    wall_ms: int
    memory_kb: int  # peak
    stdout: bytes
    stderr: bytes  # capped
    message: str = ""  # the runner's explanation, for logs and staff
    extra: dict[str, object] = field(default_factory=dict)


class Sandbox(Protocol):
    """One container bound to one judgement and one language."""

    language_id: str

    def write_file(self, name: str, data: bytes) -> None:
        """Write a file into the work dir (never following a planted link)."""

    def read_file(self, name: str, max_bytes: int = 1 << 20) -> bytes | None:
        """Read a file from the work dir (capped); None if absent or not a regular file."""

    def compile(
        self, source: str, limits: Limits | None = None, files: dict[str, bytes] | None = None
    ) -> CompileResult:
        """Write the source under its language's file name and compile it (if compiled).

        files: the other files of a program of several (flat names), written beside it."""

    def run(
        self,
        stdin: bytes,
        limits: Limits,
        args: tuple[str, ...] = (),
        *,
        keep_files: bool = False,
        files: dict[str, bytes] | None = None,
    ) -> RunResult:
        """Run the compiled program once with stdin, as an unprivileged uid, within limits.

        The files earlier runs left in the work dir are removed first, unless keep_files (only
        ever for a judge's program: a multi-pass validator's feedback dir between passes).
        files (flat names: a test's .files) are then written there for this run only."""

    def remove_file(self, name: str) -> None:
        """Remove a file a run left in the work dir (never one the judge wrote)."""

    def start_interactive(
        self,
        limits: Limits,
        args: tuple[str, ...] = (),
        files: dict[str, bytes] | None = None,
        *,
        keep_files: bool = False,
    ) -> None:
        """Start the program once with stdin and stdout as streams, within limits (files and
        keep_files as for run: keep_files only for an interactive multi-pass interactor)."""

    def next_event(self) -> tuple[str, bytes, RunResult | None]:
        """The interactive run's next event: ("data", stdout bytes, None), ("eof", b"", None)
        when its stdout closed, and last ("done", b"", its RunResult)."""

    def send_input(self, data: bytes) -> None:
        """Bytes for the interactive program's stdin (buffered in the box, never blocking)."""

    def end_input(self) -> None:
        """EOF on the interactive program's stdin once what was sent is written."""

    def close(self) -> None:
        """Kill and remove the container."""
