"""In-container runner: PID 1 of a sandbox; compiles once, then runs each test as an unprivileged uid.

The worker talks to it over the container's stdin/stdout with length-prefixed frames: a 4-byte
big-endian length, a JSON header whose "blobs" lists the byte lengths of the raw payloads that
follow. The program's own stdout/stderr go to pipes read here and are only ever sent as blobs,
so nothing a program prints can look like a runner frame. Standard library only.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from execute import COMPILE_UID, RUN_UID, Limits, execute  # noqa: E402
from relay import Relay  # noqa: E402

BOX = "/box"
BUILD = "/box/build"
RUN = "/box/run"
VERSION = 5  # 2: run's keep_files, the remove op; 3: interactive runs; 4: compile's files;
# 5: run's files (a test's .files, there for that run only)
# Bytes of stdin an interactive run read past its last frame: the next request starts there.
PENDING = bytearray()
# Frames of an interactive run that arrive after it ended: dropped, never answered.
RELAY_OPS = ("data", "eof")


def read_exact(count: int) -> bytes:
    """Exactly count bytes from stdin; EOF means the worker went away."""
    parts = []
    if PENDING:
        parts.append(bytes(PENDING[:count]))
        del PENDING[:count]
        count -= len(parts[0])
    while count:
        chunk = os.read(0, min(count, 1 << 20))
        if not chunk:
            raise EOFError
        parts.append(chunk)
        count -= len(chunk)
    return b"".join(parts)


def receive() -> tuple[dict, list[bytes]]:
    """One request frame."""
    (size,) = struct.unpack(">I", read_exact(4))
    header = json.loads(read_exact(size))
    return header, [read_exact(int(n)) for n in header.get("blobs", [])]


def send(header: dict, blobs: tuple[bytes, ...] = ()) -> None:
    """One response frame, written whole."""
    header["blobs"] = [len(blob) for blob in blobs]
    data = json.dumps(header).encode()
    view = memoryview(b"".join([struct.pack(">I", len(data)), data, *blobs]))
    while view:
        view = view[os.write(1, view) :]


def safe_name(name: str) -> str:
    """A plain file name: no directories, no dot names, so no path tricks."""
    if not name or "/" in name or "\0" in name or name in (".", ".."):
        raise ValueError(f"bad file name {name!r}")
    return name


def write_into(directory: str, name: str, data: bytes, mode: int = 0o644) -> None:
    """Write a file without following anything the program may have planted there."""
    dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        try:
            os.unlink(name, dir_fd=dir_fd)
        except FileNotFoundError:
            pass
        except IsADirectoryError:
            remove_tree(dir_fd, name)
        fd = os.open(
            name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode, dir_fd=dir_fd
        )
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    finally:
        os.close(dir_fd)


def read_from(directory: str, name: str, limit: int) -> bytes | None:
    """A regular file's first bytes, or None; links are not followed."""
    try:
        fd = os.open(
            os.path.join(directory, safe_name(name)), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
        )
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return os.read(fd, limit) if limit else b""
    finally:
        os.close(fd)


def remove_tree(dir_fd: int, name: str) -> None:
    """Remove an entry under dir_fd without following links (fd-relative walk)."""
    try:
        info = os.lstat(name, dir_fd=dir_fd)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(info.st_mode):
        sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dir_fd)
        try:
            for entry in os.listdir(sub):
                remove_tree(sub, entry)
        finally:
            os.close(sub)
        os.rmdir(name, dir_fd=dir_fd)
    else:
        os.unlink(name, dir_fd=dir_fd)


def reset_dir(path: str, keep: set[str]) -> None:
    """Empty a work dir the program owns, keeping the judge's files (if still genuine)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        for entry in os.listdir(fd):
            info = os.lstat(entry, dir_fd=fd)
            genuine = stat.S_ISREG(info.st_mode) and info.st_uid == 0
            if entry not in keep or not genuine:
                remove_tree(fd, entry)
    finally:
        os.close(fd)


def make_dir(path: str, uid: int, mode: int) -> None:
    """A fresh directory owned by uid (the box tmpfs is empty at start)."""
    os.mkdir(path, mode)
    os.chown(path, uid, uid)
    os.chmod(path, mode)


class Runner:
    """State of one judgement: the judge's files in the run dir."""

    def __init__(self) -> None:
        self.judge_files: set[str] = set()
        make_dir(BUILD, COMPILE_UID, 0o755)
        make_dir(RUN, RUN_UID, 0o700)

    def handle(self, header: dict, blobs: list[bytes]) -> tuple[dict, tuple[bytes, ...]]:
        """Answer one request."""
        op = header.get("op")
        if op == "hello":
            return {"ok": True, "version": VERSION}, ()
        if op == "write":
            name = safe_name(header["name"])
            try:
                write_into(RUN, name, blobs[0])
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                reset_dir(RUN, self.judge_files)  # a run filled the box: its files go first
                write_into(RUN, name, blobs[0])
            self.judge_files.add(name)
            return {"ok": True}, ()
        if op == "read":
            data = read_from(RUN, header["name"], int(header.get("max", 1 << 20)))
            return {"ok": True, "found": data is not None}, (data or b"",)
        if op == "remove":  # a program's file (multi-pass: the validator's nextpass.in)
            name = safe_name(header["name"])
            if name in self.judge_files:
                raise ValueError(f"{name!r} is the judge's file")
            fd = os.open(RUN, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
            try:
                remove_tree(fd, name)
            finally:
                os.close(fd)
            return {"ok": True}, ()
        if op == "compile":
            write_into(BUILD, safe_name(header["source_name"]), blobs[0])
            # A program of several files (a folder submission, include/): the others beside it.
            for name, data in zip(header.get("files", []), blobs[1:], strict=True):
                write_into(BUILD, safe_name(name), data)
            return self.compile(header)
        if op == "run":
            return self.run(header, blobs[0], blobs[1:])
        raise ValueError(f"unknown op {op!r}")

    def compile(self, header: dict) -> tuple[dict, tuple[bytes, ...]]:
        """Run the compiler as the compile uid in the build dir; output merged and capped."""
        if not header.get("argv"):  # interpreted and unchecked: nothing to run
            return {"ok": True, "status": "ok", "time_ms": 0, "wall_ms": 0}, (b"",)
        limits = Limits.from_json(header["limits"])
        result = execute(
            header["argv"], uid=COMPILE_UID, cwd=BUILD, stdin=b"", limits=limits,
            merge_output=True, env={"TMPDIR": BUILD, "HOME": BUILD},
        )  # fmt: skip
        output = result.pop("stdout")
        result.pop("stderr")
        return {"ok": True, **result}, (output,)

    def run(
        self, header: dict, stdin: bytes, given: list[bytes]
    ) -> tuple[dict, tuple[bytes, ...]]:
        """Run the program once as the run uid, after clearing what earlier runs left.

        keep_files (a multi-pass output validator's later passes only): the files of the
        previous run stay, as the spec keeps the feedback dir between passes. files: this
        run's own input files (a test's .files), written after the clearing and not kept as
        the judge's, so the next run's clearing removes them."""
        if not header.get("keep_files"):
            reset_dir(RUN, self.judge_files)
        for name, data in zip(header.get("files", []), given, strict=True):
            if safe_name(name) in self.judge_files:  # kept for every run: it would leak on
                raise ValueError(f"{name!r} is the judge's file")
            write_into(RUN, name, data)
        limits = Limits.from_json(header["limits"])
        # interactive: stdin comes in frames as the program runs, stdout goes out the same way.
        relay = Relay(send, PENDING) if header.get("interactive") else None
        result = execute(
            header["argv"], uid=RUN_UID, cwd=RUN, stdin=stdin, limits=limits,
            merge_output=False, env={"TMPDIR": RUN, "HOME": RUN}, relay=relay,
        )  # fmt: skip
        stdout = result.pop("stdout")
        stderr = result.pop("stderr")
        return {"ok": True, **result}, (stdout, stderr)


def main() -> None:
    """Serve requests until the worker closes the stream, then exit (the container stops)."""
    os.umask(0o022)
    runner = Runner()
    while True:
        try:
            header, blobs = receive()
        except EOFError:
            return
        if header.get("op") == "exit":
            send({"ok": True})
            return
        if header.get("op") in RELAY_OPS:
            continue
        try:
            reply, payload = runner.handle(header, blobs)
        except (OSError, ValueError, KeyError, TypeError) as error:
            reply, payload = {"ok": False, "error": f"{type(error).__name__}: {error}"}, ()
        send(reply, payload)


if __name__ == "__main__":
    main()
