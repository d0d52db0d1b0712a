"""A child forked from the worker keeps none of the worker's sockets alive."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import os, signal, socket, sys, time
    from worker.forks import isolate_children

    if sys.argv[1] == "isolated":
        isolate_children()
    ours, peer = socket.socketpair()  # ours: the worker's connection; peer: "the server"
    child = os.fork()
    if child == 0:
        time.sleep(20)  # a spare waiting for its job
        os._exit(0)
    ours.close()  # the worker dies (closes its copy)
    peer.settimeout(5)
    try:
        print("closed" if peer.recv(1) == b"" else "data")
    except TimeoutError:
        print("still open")  # the child's copy keeps the connection alive
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    """
)


def run(mode: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_forked_child_lets_go_of_the_worker_sockets():
    assert run("isolated") == "closed"


def test_without_it_a_child_keeps_the_connection_open():
    # The failure the isolation prevents, shown on the same machine: proof the test can fail.
    assert run("plain") == "still open"
