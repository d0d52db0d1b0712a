"""api.Sandbox on a Docker container whose PID 1 is the runner, spoken to over one attach stream."""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Callable
from dataclasses import replace
from types import TracebackType
from typing import Any, TypeVar

from docker.errors import APIError, NotFound
from docker.models.containers import Container

from worker.languages.base import Language
from worker.sandbox.api import (
    MEMORY_LIMIT,
    NONZERO,
    OK,
    SANDBOX_ERROR,
    SIGNALED,
    CompileResult,
    Limits,
    RunResult,
    SandboxError,
)
from worker.sandbox.stream import RunnerStream

T = TypeVar("T")
BOX_MB = 64  # size of the box tmpfs (build + run dirs); it counts in the memory cgroup
RUNNER_MB = 48  # the runner's own memory and its output buffers
COMPILE_LIMITS = Limits(time_ms=10_000, memory_mb=1024, output_kb=64, wall_ms=20_000, processes=128)
# A syntax check by the runtime itself gets a default run's memory and processes (Limits()),
# so a box that checks and then runs a default challenge keeps the limits it started with.
CHECK_LIMITS = replace(COMPILE_LIMITS, memory_mb=Limits().memory_mb, processes=Limits().processes)
KEEP_STDERR = 64 * 1024  # stderr kept per run (it is still killed at the output limit)
FILE_MB = 64  # largest file a program or compiler may write
SLACK_S = 30.0  # stream timeout beyond the wall limit (reaping, transfer)


def compile_limits(language: Language) -> Limits:
    """The compile step's limits: a compiler's, or a default run's for a syntax check."""
    return CHECK_LIMITS if language.compile_checks_only else COMPILE_LIMITS


def box_cgroup(language: Language, limits: Limits, stdin_bytes: int = 0) -> tuple[int, int]:
    """The container's (memory MB, pids) limits for one step: the program, its runtime, the
    box, the input and the runner."""
    # The input is held twice (the runner's copy and the memfd): room for it in 64 MB steps, the
    # first always there (compile included), so the limit rarely moves.
    input_mb = 64 * max(1, math.ceil(2 * stdin_bytes / (64 << 20)))
    memory_mb = limits.memory_mb + language.memory_extra_mb + BOX_MB + RUNNER_MB + input_mb
    return memory_mb, max(limits.processes, language.min_processes) + 1  # + the runner


def start_cgroup(language: Language) -> tuple[int, int]:
    """The limits a box starts with: its compile step's, so the first request changes nothing."""
    return box_cgroup(language, compile_limits(language))


class DockerSandbox:
    """One claimed container for one judgement; close() removes it."""

    def __init__(self, container: Container, stream: RunnerStream, language: Language,
                 on_close: threading.Thread | None = None,
                 cgroup: tuple[int, int] | None = None) -> None:  # fmt: skip
        self.language_id = language.id
        self.language = language
        self.container = container
        self._stream = stream
        self._on_close = on_close
        self._source = ""
        self._cgroup = cgroup  # (memory MB, pids) now set on the container, if known
        self._closed = False
        self._broken = False  # a request failed: the runner may still be busy
        self._limits = Limits()  # of the interactive run under way
        self._with_files = False  # the program has files beside its source

    def __enter__(self) -> DockerSandbox:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:  # fmt: skip
        self.close()

    def write_file(self, name: str, data: bytes) -> None:
        """Write a file into the program's work dir (the runner never follows a planted link)."""
        reply, _ = self._call({"op": "write", "name": name}, (data,), timeout=SLACK_S)
        if not reply.get("ok"):
            raise SandboxError(f"write {name!r}: {reply.get('error')}")

    def read_file(self, name: str, max_bytes: int = 1 << 20) -> bytes | None:
        """Read a regular file of the work dir, capped; None if absent or not a regular file."""
        reply, blobs = self._call({"op": "read", "name": name, "max": max_bytes}, timeout=SLACK_S)
        if not reply.get("ok") or not reply.get("found"):
            return None
        return blobs[0]

    def compile(
        self, source: str, limits: Limits | None = None, files: dict[str, bytes] | None = None
    ) -> CompileResult:
        """Save the source under the language's file name and compile (or syntax-check) it."""
        limits = limits or compile_limits(self.language)
        self._source = source
        others = dict(files or {})
        # A file of the main's name is the main itself (a folder program's entry): an included
        # driver of that name was made the source before this (plan.with_includes).
        others.pop(self.language.source_file(source), None)
        self._with_files = bool(others)
        self._set_cgroup(*box_cgroup(self.language, limits))
        header = {
            "op": "compile",
            "source_name": self.language.source_file(source),
            "argv": self.language.compile_command(source, tuple(others)),
            "limits": _wire_limits(limits, keep_stderr=limits.output_kb * 1024),
            "files": list(others),
        }
        timeout = limits.effective_wall_ms / 1000 + SLACK_S
        reply, blobs = self._call(header, (source.encode(), *others.values()), timeout=timeout)
        if not reply.get("ok"):
            raise SandboxError(f"compile: {reply.get('error')}")
        output = blobs[0].decode(errors="replace")
        status = reply.get("status")
        if status not in (OK, NONZERO) and reply.get("message"):
            output = (output + "\n" + str(reply["message"])).strip()
        return CompileResult(
            ok=status == OK,
            output=output,
            time_ms=int(reply.get("time_ms", 0)),
            timed_out=status == "time_limit",
        )

    def remove_file(self, name: str) -> None:
        """Remove a file a run left in the work dir (the runner refuses the judge's own)."""
        reply, _ = self._call({"op": "remove", "name": name}, timeout=SLACK_S)
        if not reply.get("ok"):
            raise SandboxError(f"remove {name!r}: {reply.get('error')}")

    def run(
        self,
        stdin: bytes,
        limits: Limits,
        args: tuple[str, ...] = (),
        *,
        keep_files: bool = False,
        files: dict[str, bytes] | None = None,
    ) -> RunResult:
        """Run the compiled program once with stdin, as the unprivileged run uid, within limits;
        files are written into its work dir for this run only."""
        language = self.language
        given = dict(files or {})
        self._set_cgroup(*box_cgroup(language, limits, len(stdin) + _size(given)))
        header = {
            "op": "run",
            "argv": [
                *language.run_command(self._source, limits.memory_mb, self._with_files),
                *args,
            ],
            "limits": _wire_limits(limits, keep_stderr=KEEP_STDERR),
            "keep_files": keep_files,
            "files": list(given),
        }
        timeout = limits.effective_wall_ms / 1000 + SLACK_S
        reply, blobs = self._call(header, (stdin, *given.values()), timeout=timeout)
        return self._result(reply, blobs, limits)

    def start_interactive(
        self,
        limits: Limits,
        args: tuple[str, ...] = (),
        files: dict[str, bytes] | None = None,
        *,
        keep_files: bool = False,
    ) -> None:
        """Start the program with its stdin and stdout as streams (see next_event)."""
        language = self.language
        given = dict(files or {})
        self._set_cgroup(*box_cgroup(language, limits, _size(given)))
        header = {
            "op": "run",
            "argv": [
                *language.run_command(self._source, limits.memory_mb, self._with_files),
                *args,
            ],
            "limits": _wire_limits(limits, keep_stderr=KEEP_STDERR),
            "interactive": True,
            "keep_files": keep_files,
            "files": list(given),
        }
        self._limits = limits
        self._stream.set_timeout(limits.effective_wall_ms / 1000 + SLACK_S)
        self._guard(lambda: self._stream.send(header, (b"", *given.values())))

    def next_event(self) -> tuple[str, bytes, RunResult | None]:
        """("data", chunk, None), ("eof", b"", None), then ("done", b"", the run's result)."""
        reply, blobs = self._guard(self._stream.receive)
        if reply.get("op") == "data":
            return "data", blobs[0], None
        if reply.get("op") == "eof":
            return "eof", b"", None
        return "done", b"", self._result(reply, blobs, self._limits)

    def send_input(self, data: bytes) -> None:
        """Bytes for the running program's stdin."""
        self._guard(lambda: self._stream.send({"op": "data"}, (data,)))

    def end_input(self) -> None:
        """EOF on the running program's stdin (once what was sent is written)."""
        self._guard(lambda: self._stream.send({"op": "eof"}))

    def _result(self, reply: dict[str, Any], blobs: list[bytes], limits: Limits) -> RunResult:
        if not reply.get("ok"):
            return RunResult(SANDBOX_ERROR, None, None, 0, 0, 0, b"", b"",
                             message=str(reply.get("error")))  # fmt: skip
        result = RunResult(
            status=str(reply["status"]),
            exit_code=reply.get("exit_code"),
            signal=reply.get("signal"),
            time_ms=int(reply["time_ms"]),
            wall_ms=int(reply["wall_ms"]),
            memory_kb=int(reply["memory_kb"]),
            stdout=blobs[0],
            stderr=blobs[1],
            message=str(reply.get("message", "")),
            extra={"stdout_total": reply.get("stdout_total"),
                   "stderr_total": reply.get("stderr_total")},
        )  # fmt: skip
        return _memory_verdict(result, limits, self.language)

    def _guard(self, action: Callable[[], T]) -> T:
        if self._closed:
            raise SandboxError("the sandbox is closed")
        try:
            return action()
        except SandboxError:
            self._broken = True
            raise

    def close(self) -> None:
        """Stop the runner and remove the container (never reused)."""
        if self._closed:
            return
        self._closed = True
        # An idle runner reads EOF and exits, which kills every process of the box (it is
        # PID 1), and Docker removes the container (auto_remove): nothing to wait for here.
        self._stream.close()
        if self._broken:  # it may still be running a program: kill it now
            try:
                self.container.remove(force=True, v=True)
            except NotFound:
                pass
            except APIError as error:
                if error.status_code != 409:  # 409: removal already in progress
                    raise
        if self._on_close is not None:
            self._on_close.join(timeout=60)

    def _call(self, header: dict[str, Any], blobs: tuple[bytes, ...] = (), *,
              timeout: float) -> tuple[dict[str, Any], list[bytes]]:  # fmt: skip
        if self._closed:
            raise SandboxError("the sandbox is closed")
        try:
            return self._stream.call(header, blobs, timeout=timeout)
        except SandboxError:
            self._broken = True
            raise

    def _set_cgroup(self, memory_mb: int, pids: int) -> None:
        """Move the container's memory and pids limits (one engine call, only on change)."""
        if self._cgroup == (memory_mb, pids):
            return
        memory = memory_mb << 20
        client = self.container.client.api
        url = client._url("/containers/{0}/update", self.container.id)
        data = {"Memory": memory, "MemorySwap": memory, "PidsLimit": pids}
        try:
            client._result(client._post_json(url, data=data), True)
        except APIError as error:
            raise SandboxError(f"could not set the container limits: {error}") from error
        self._cgroup = (memory_mb, pids)


def _size(files: dict[str, bytes]) -> int:
    """Bytes of a run's input files (held by the runner as the input is)."""
    return sum(len(data) for data in files.values())


def _wire_limits(limits: Limits, *, keep_stderr: int) -> dict[str, int]:
    """Limits as the runner reads them."""
    return {
        "time_ms": limits.time_ms,
        "wall_ms": limits.effective_wall_ms,
        "memory_mb": limits.memory_mb,
        "output_bytes": limits.output_kb * 1024,
        "keep_stderr": keep_stderr,
        "file_bytes": FILE_MB << 20,
    }


def _memory_verdict(result: RunResult, limits: Limits, language: Language) -> RunResult:
    """Turn runs that died of memory (runtime message or peak over the limit) into MLE."""
    if result.status not in (OK, NONZERO, SIGNALED):
        return result
    # A stack overflow reaches the limit too (the stack may be as large as the memory limit),
    # but it dies of SIGSEGV: that stays a run-time error, as on Kattis.
    overflow = result.signal in (signal.SIGSEGV, signal.SIGBUS)
    over = not overflow and result.memory_kb > (limits.memory_mb + language.memory_extra_mb) * 1024
    refused = result.status != OK and any(m in result.stderr for m in language.memory_markers)
    if over or refused:
        result.status = MEMORY_LIMIT
        result.message = (
            f"peak memory {result.memory_kb} KB over {limits.memory_mb} MB"
            if over
            else "the runtime ran out of memory"
        )
    return result
