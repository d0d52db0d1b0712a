"""The warm pool: containers started ahead per language on this host, claimed by rename.

The pool lives in Docker, not in memory: RQ forks a work-horse per job, so every process finds
warm containers by their labels. A warm container is named codedev-sbx-<lang>-<token>; claiming
renames it to ...-busy-<pid> under a host-wide file lock, addressing it by its warm name, so two
workers can never both get it. Each claimed container is used by one judgement, then removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import docker
from docker.errors import APIError, ImageNotFound, NotFound
from docker.models.containers import Container
from docker.types import LogConfig

from worker.languages import get_language
from worker.languages.base import Language
from worker.sandbox.api import SandboxError, ServiceUnavailable
from worker.sandbox.docker_sandbox import BOX_MB, DockerSandbox, start_cgroup
from worker.sandbox.engine import LABEL, get_client, host_name, image_prefix, pool_size
from worker.sandbox.stream import RunnerStream

log = logging.getLogger(__name__)
NAME_PREFIX = "codedev-sbx"
# What the runner (root in the box) needs: SETUID/SETGID to drop to the box uids, CHOWN to hand
# them their dirs, DAC_OVERRIDE/FOWNER to clear dirs the program owns (even chmod 000 ones),
# KILL to kill the program's processes. All are lost by the program when it changes uid.
CAPABILITIES = ["SETUID", "SETGID", "CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL"]


def container_settings(language: Language, image: str, name: str, state: str) -> dict[str, Any]:
    """docker create arguments of a sandbox: no network, read-only, capped, labelled."""
    memory_mb, pids = start_cgroup(language)
    memory = memory_mb << 20
    return {
        "image": image,
        "name": name,
        "labels": {LABEL: "1", "codedev.host": host_name(), "codedev.language": language.id,
                   "codedev.owner": f"{host_name()}:{os.getpid()}", "codedev.state": state,
                   "codedev.limits": _limits_label(language)},
        "network_mode": "none",
        "read_only": True,
        "tmpfs": {"/box": f"rw,exec,nosuid,nodev,size={BOX_MB}m,mode=755"},
        "ipc_mode": "none",  # no /dev/shm: nothing writable outside the box
        "pids_limit": pids,
        "mem_limit": memory,
        "memswap_limit": memory,
        "nano_cpus": 1_000_000_000,
        "cap_drop": ["ALL"],
        "cap_add": CAPABILITIES,
        "security_opt": ["no-new-privileges"],
        "environment": {},
        "hostname": "sandbox",
        "user": "0:0",
        # Attached stdin, closed when our stream closes (even by a crash): the runner then exits.
        # docker-py sets StdinOnce from stdin_open when detach is false.
        "stdin_open": True,
        "detach": False,
        "log_config": LogConfig(type="none"),  # the program's output must not reach disk
        # Gone as soon as the runner exits (its stream closed): closing a sandbox never waits
        # for a removal, and a crashed worker's boxes go by themselves.
        "auto_remove": True,
    }  # fmt: skip


def _limits_label(language: Language) -> str:
    """The start limits a box was created with: a sandbox relies on knowing them."""
    memory_mb, pids = start_cgroup(language)
    return f"{memory_mb}:{pids}"


def _current(container: Container, language: Language, image_id: str) -> bool:
    """Whether a warm box runs the current image with the start limits this code expects."""
    labels = container.attrs.get("Labels") or {}
    return bool(
        container.attrs.get("ImageID") == image_id
        and labels.get("codedev.limits") == _limits_label(language)
    )


_keeper_pid: int | None = None  # the process whose pool keeper refills this host's pools


def kept_by(pid: int) -> None:
    """Note that a keeper thread of process pid refills the pools (worker.sandbox.keeper)."""
    global _keeper_pid
    _keeper_pid = pid


def kept() -> bool:
    """Whether this process or its parent (the worker of a work horse) runs the pool keeper."""
    return _keeper_pid is not None and _keeper_pid in (os.getpid(), os.getppid())


def in_use(languages: Iterable[str]) -> list[str]:
    """The languages among these with sandboxes on this host (their pools are kept warm)."""
    found = {(c.attrs.get("Labels") or {}).get("codedev.language") for c in _ours(get_client())}
    return [language_id for language_id in languages if language_id in found]


# How long a claim or a refill waits for the host lock. Its holder may be a worker that was
# paused (SIGSTOP, a frozen VM) inside it; claims stay safe without it (a rename is atomic:
# the second rename of one warm container fails), so after this wait they go ahead.
HOST_LOCK_WAIT_SECONDS = 10.0


@contextmanager
def _host_lock() -> Iterator[None]:
    """Serialise claims between the worker processes of this host, for a bounded wait."""
    path = os.path.join(tempfile.gettempdir(), "codedev-sandbox-pool.lock")
    with open(path, "a") as handle:
        deadline = time.monotonic() + HOST_LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    log.warning("the sandbox pool's host lock is held for over %.0f s (a paused "
                                "worker?); going ahead without it", HOST_LOCK_WAIT_SECONDS)  # fmt: skip
                    yield
                    return
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _image_id(client: docker.DockerClient, language: Language) -> str:
    name = language.image(image_prefix())
    try:
        image = client.images.get(name)
    except ImageNotFound:
        raise ServiceUnavailable(
            f"sandbox image {name} is missing: run `flask sandbox build {language.id}`"
        ) from None
    return str(image.id)


def _ours(client: docker.DockerClient, **filters: Any) -> list[Container]:
    """This host's sandbox containers (sparse: no inspect per container)."""
    labels = [f"{LABEL}=1", f"codedev.host={host_name()}"]
    labels += [f"codedev.{key}={value}" for key, value in filters.items()]
    return list(client.containers.list(all=True, sparse=True, filters={"label": labels}))


def _name(container: Container) -> str:
    names = container.attrs.get("Names") or [container.attrs.get("Name", "")]
    return str(names[0]).lstrip("/")


def _start(client: docker.DockerClient, language: Language, image: str, name: str,
           state: str) -> Container:  # fmt: skip
    container = client.containers.create(**container_settings(language, image, name, state))
    container.start()
    return container


def _claim(client: docker.DockerClient, language: Language, image_id: str) -> Container | None:
    """Rename one running, current warm container to busy; None if there is none."""
    with _host_lock():
        for container in _ours(client, language=language.id):
            name = _name(container)
            if "-busy-" in name or container.attrs.get("State") != "running":
                continue
            if not _current(container, language, image_id):
                continue  # outdated: replenish() removes it
            try:
                client.api.rename(name, f"{name}-busy-{os.getpid()}")
            except (NotFound, APIError):
                continue
            return container  # sparse, but its id is all a sandbox needs
    return None


def replenish(language_id: str) -> int:
    """Top the warm pool of a language up to its size; remove outdated warm ones. Returns new."""
    client = get_client()
    language = get_language(language_id)
    image_id = _image_id(client, language)
    want = pool_size()
    names = []
    with _host_lock():
        warm = 0
        for container in _ours(client, language=language.id):
            if "-busy-" in _name(container):
                continue
            if not _current(container, language, image_id) or container.attrs.get("State") in (
                "exited", "dead"):  # fmt: skip
                _remove(container)
            else:
                warm += 1
        for _ in range(max(0, want - warm)):
            name = f"{NAME_PREFIX}-{language.id}-{secrets.token_hex(6)}"
            client.containers.create(**container_settings(language, image_id, name, "warm"))
            names.append(name)
    for name in names:  # started outside the lock; only running ones are ever claimed
        client.api.start(name)
    return len(names)


def acquire(language_id: str) -> DockerSandbox:
    """A sandbox for one judgement: a warm container if there is one, else a fresh one."""
    client = get_client()
    language = get_language(language_id)
    image_id = _image_id(client, language)
    container = _claim(client, language, image_id)
    if container is None:
        name = f"{NAME_PREFIX}-{language.id}-{secrets.token_hex(6)}-busy-{os.getpid()}"
        container = _start(client, language, image_id, name, "busy")
    refill = None
    if not kept():  # no keeper (flask judge, tests): refill from here, joined on close
        refill = threading.Thread(target=_replenish_quietly, args=(language_id,), daemon=True)
        refill.start()
    try:
        sock = client.api.attach_socket(
            container.id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
        )
        sandbox = DockerSandbox(
            container, RunnerStream(sock), language, refill, start_cgroup(language)
        )
        sandbox._call({"op": "hello"}, timeout=30)
    except (APIError, SandboxError) as error:
        _remove(container)
        raise SandboxError(f"sandbox for {language_id} did not start: {error}") from error
    return sandbox


def _replenish_quietly(language_id: str) -> None:
    try:
        replenish(language_id)
    except (APIError, SandboxError) as error:
        log.warning("could not refill the %s pool: %s", language_id, error)


def _remove(container: Container) -> None:
    with contextlib.suppress(NotFound, APIError):  # already gone, or being removed
        container.remove(force=True, v=True)


def pid_alive(pid: int) -> bool:
    """Whether the process runs; a zombie (dead, its parent not yet reaping it) does not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rpartition(")")[2].split()[0] != "Z"
    return True


def reap_orphans() -> int:
    """Remove this host's sandboxes whose owner died or that stopped; returns how many."""
    client = get_client()
    removed = 0
    for container in _ours(client):
        name = _name(container)
        owner = name.rsplit("-busy-", 1)[1] if "-busy-" in name else ""
        orphan = owner.isdigit() and not pid_alive(int(owner))
        # A busy box that is only "created" is being started by its live owner: removing it
        # then ended that judgement's runner stream (an attempt lost under load).
        if orphan or container.attrs.get("State") in ("exited", "dead"):
            _remove(container)
            removed += 1
    return removed
