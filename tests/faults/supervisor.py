"""Judge workers the storm tests start, kill, freeze and restart, as a supervisor would."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

import psutil

from tests.worker.workers import ROOT


def tree(pid: int) -> list[psutil.Process]:
    """A process and every descendant (the work horse calls setsid, so no group holds them all)."""
    try:
        top = psutil.Process(pid)
        return [top, *top.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def signal_tree(pid: int, signum: int) -> list[int]:
    """Send signum to the whole tree, children first; the pids it reached."""
    reached = []
    for process in reversed(tree(pid)):
        with suppress(psutil.NoSuchProcess):
            process.send_signal(signum)
            reached.append(process.pid)
    return reached


class Workers:
    """`python -m worker` processes in numbered slots, each with its own log file."""

    def __init__(self, env: dict[str, str], logs: Path, count: int) -> None:
        self.env = env
        self.logs = logs
        logs.mkdir(parents=True, exist_ok=True)
        self.slots: list[subprocess.Popen[bytes] | None] = [None] * count
        self.started = 0  # processes started in all (restarts included)
        self.kills = 0
        self.restarts_after_exit = 0  # ones that died by themselves and were started again
        self.every_pid: list[int] = []

    def start(self, slot: int) -> subprocess.Popen[bytes]:
        with open(self.logs / f"worker-{slot}.log", "ab") as stream:
            process = subprocess.Popen(
                [sys.executable, "-m", "worker"],
                cwd=ROOT,
                env=self.env,
                stdout=stream,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.slots[slot] = process
        self.started += 1
        self.every_pid.append(process.pid)
        return process

    def start_all(self) -> None:
        for slot in range(len(self.slots)):
            self.start(slot)

    def kill(self, slot: int, *, counted: bool = True) -> None:
        """SIGKILL the worker with its horse, spare and scheduler (a killed container or cgroup)."""
        process = self.slots[slot]
        if process is None:
            return
        with suppress(ProcessLookupError):
            process.send_signal(signal.SIGSTOP)  # forks no more children while we list them
        signal_tree(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        self.slots[slot] = None
        self.kills += counted

    def restart_dead(self) -> None:
        """Start again any worker that exited by itself (and kill what it left behind)."""
        for slot, process in enumerate(self.slots):
            if process is not None and process.poll() is not None:
                self.kill(slot, counted=False)
                self.restarts_after_exit += 1
                self.start(slot)

    def stop_all(self) -> None:
        for slot in range(len(self.slots)):
            self.kill(slot, counted=False)

    def log_text(self) -> str:
        return "".join(
            path.read_text(errors="replace") for path in sorted(self.logs.glob("worker-*.log"))
        )


class KillLoop:
    """Every `every` seconds the next slot's worker is SIGKILLed and started again."""

    def __init__(self, workers: Workers, every: float) -> None:
        self.workers = workers
        self.every = every
        self.next_at = time.monotonic() + every
        self.turn = 0

    def tick(self) -> None:
        self.workers.restart_dead()
        if time.monotonic() < self.next_at:
            return
        slot = self.turn % len(self.workers.slots)
        self.workers.kill(slot)
        self.workers.start(slot)
        self.turn += 1
        self.next_at = time.monotonic() + self.every
