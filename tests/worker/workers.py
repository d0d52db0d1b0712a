"""Real RQ worker subprocesses (`python -m worker`) for the judge's end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tests.stacks import Stack

ROOT = Path(__file__).resolve().parents[2]


def worker_env(stack: Stack, blob_cache: Path, **extra: str) -> dict[str, str]:
    """Environment of a worker on this store pair with short leases and maintenance ticks."""
    return {
        **os.environ,
        "DATABASE_URL": stack.database_url,
        "REDIS_URL": stack.redis_url,
        "CODEDEV_BLOB_CACHE_DIR": str(blob_cache),
        "CODEDEV_JUDGE_LEASE_SECONDS": "3",
        "CODEDEV_JUDGE_MAINTENANCE_SECONDS": "1",
        "CODEDEV_SANDBOX_POOL_SIZE": "1",
        **extra,
    }


@contextmanager
def worker_process(env: dict[str, str], log: Path, *args: str) -> Iterator[subprocess.Popen[bytes]]:
    """A worker in its own process group; the whole group is killed on the way out."""
    with open(log, "ab") as stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "worker", *args],
            cwd=ROOT,
            env=env,
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        kill_group(process)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker, its work horse and its scheduler."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
