"""The Docker client: one per process, so a work horse never shares its worker's connection."""

from __future__ import annotations

import os

import pytest

from tests.worker.judge_support import require_sandbox
from worker.sandbox import engine

pytestmark = pytest.mark.docker


def test_a_forked_process_gets_its_own_docker_client() -> None:
    """A work horse must not share the worker's engine connection (sockets, pool locks)."""
    require_sandbox()
    parent = engine.get_client()
    pid = os.fork()
    if pid == 0:  # the child reports through its exit code only
        try:
            child = engine.get_client()
            os._exit(0 if child is not parent and child.ping() else 1)
        except BaseException:  # noqa: BLE001 (a forked child must never return)
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    assert engine.get_client() is parent  # the parent keeps its own
