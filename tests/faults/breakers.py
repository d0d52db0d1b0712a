"""Things the fault tests break on purpose: the Docker engine's socket and a filesystem."""

from __future__ import annotations

import contextlib
import errno
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

from tests.stacks import missing
from worker.sandbox.pool import pid_alive

DOCKER_SOCKET = "/var/run/docker.sock"


class DockerProxy:
    """A unix socket the worker takes for the Docker engine, forwarding to the real one.

    cut() closes every open connection and stops listening (the engine "went away"); restore()
    listens again on the same path.
    """

    def __init__(self, path: Path, target: str = DOCKER_SOCKET) -> None:
        self.path = path
        self.target = target
        self.url = f"unix://{path}"
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self.connections = 0  # accepted in all (a judgement passed through us if > 0)

    def start(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(self.path))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                upstream.connect(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:  # cut while connecting
                    client.close()
                    upstream.close()
                    return
                self._open.update((client, upstream))
                self.connections += 1
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
            sink.shutdown(socket.SHUT_WR)  # pass the half-close on (hijacked streams use it)
        except OSError:
            self._drop(source, sink)

    def _drop(self, *sockets: socket.socket) -> None:
        with self._lock:
            for sock in sockets:
                self._open.discard(sock)
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def cut(self) -> None:
        """The engine is gone: no listener, every stream through us broken."""
        with self._lock:
            listener, self._listener = self._listener, None
            open_now = list(self._open)
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self._drop(*open_now)

    def restore(self) -> None:
        self.start()

    def close(self) -> None:
        self.cut()


@contextlib.contextmanager
def full_tmpfs(mount_point: Path, size: str = "1m") -> Iterator[Path]:
    """A small tmpfs mounted at mount_point and filled to the last byte; unmounted afterwards."""
    mount_point.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        missing(f"cannot mount a tmpfs (needs root): {result.stderr.strip()}")
    try:
        with open(mount_point / "filler", "wb", buffering=0) as filler:
            chunk = b"\0" * 4096
            try:
                while True:
                    filler.write(chunk)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def host_containers(owner_pids: set[int]) -> list[dict[str, str]]:
    """This host's sandbox containers that one of these processes created or claimed."""
    import docker

    from worker.sandbox.engine import LABEL, host_name

    client = docker.DockerClient(base_url=f"unix://{DOCKER_SOCKET}")
    try:
        found = []
        listed = client.containers.list(
            all=True, sparse=True, filters={"label": [f"{LABEL}=1", f"codedev.host={host_name()}"]}
        )
        for container in listed:
            name = str((container.attrs.get("Names") or [""])[0]).lstrip("/")
            labels = container.attrs.get("Labels") or {}
            owner = str(labels.get("codedev.owner", "")).rpartition(":")[2]
            claimer = name.rpartition("-busy-")[2] if "-busy-" in name else ""
            pids = {int(p) for p in (owner, claimer) if p.isdigit()}
            if pids & owner_pids:
                found.append({"id": container.id, "name": name,
                              "state": str(container.attrs.get("State")),
                              "claimer": claimer})  # fmt: skip
        return found
    finally:
        client.close()


def orphans(owner_pids: set[int]) -> list[dict[str, str]]:
    """Claimed (busy) containers of ours whose claiming process is gone."""
    return [
        box
        for box in host_containers(owner_pids)
        if box["claimer"] and not pid_alive(int(box["claimer"]))
    ]


def remove_containers(owner_pids: set[int]) -> None:
    """Clean-up: remove what our (now stopped) workers left, warm boxes included."""
    import docker

    client = docker.DockerClient(base_url=f"unix://{DOCKER_SOCKET}")
    try:
        for box in host_containers(owner_pids):
            with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
                client.api.remove_container(box["id"], force=True, v=True)
    finally:
        client.close()
