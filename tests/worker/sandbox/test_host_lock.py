"""The sandbox pool's host lock: a worker paused while holding it must not stop the host's
judging (a claim is safe without it: renaming a warm container is atomic)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import tempfile

from worker.sandbox import pool

HOLD = """
import fcntl, sys, time
handle = open(sys.argv[1], "a")
fcntl.flock(handle, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)
"""


def _lock_path() -> str:
    return os.path.join(tempfile.gettempdir(), "codedev-sandbox-pool.lock")


def test_a_paused_holder_of_the_host_lock_delays_a_claim_but_does_not_stop_it(monkeypatch, caplog):
    monkeypatch.setattr(pool, "HOST_LOCK_WAIT_SECONDS", 0.5)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, _lock_path()], stdout=subprocess.PIPE,
                              text=True)  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        os.kill(holder.pid, signal.SIGSTOP)  # a frozen worker, the lock still held
        entered = False
        with caplog.at_level(logging.WARNING, logger=pool.__name__), pool._host_lock():
            entered = True
        assert entered
        assert any("host lock is held" in r.getMessage() for r in caplog.records)
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)


def test_a_free_host_lock_is_taken_and_held_for_the_claim(monkeypatch, caplog):
    """While a claim holds it, another process cannot take it."""
    probe = (
        "import fcntl, sys\n"
        "handle = open(sys.argv[1], 'a')\n"
        "try:\n    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)\n    print('free')\n"
        "except BlockingIOError:\n    print('held')\n"
    )
    with caplog.at_level(logging.WARNING, logger=pool.__name__), pool._host_lock():
        seen = subprocess.run([sys.executable, "-c", probe, _lock_path()], capture_output=True,
                              text=True, timeout=30).stdout.strip()  # fmt: skip
    assert seen == "held"
    assert not caplog.records
