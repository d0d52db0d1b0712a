"""Children of the worker hold no socket of the worker's: each fork lets go of them at once.

A forked child inherits every open file descriptor. A work horse, a spare horse or the RQ
scheduler that keeps a copy of the worker's Redis socket keeps that connection alive after
the worker dies: Redis still sees the worker blocked in its BLPOP and hands it the next job,
which is then popped into a socket nobody reads, and lost. (Seen with `make run`: a worker
SIGKILLed while its spare waited, and the next submission never judged.)

In the child each inherited socket is replaced by /dev/null with dup2, not closed: the Python
objects that still think they own a descriptor (the dropped Redis and database pools) close or
write a harmless /dev/null, never a number the child has since reused for a socket of its own.
Children open their own connections (redis-py and the Docker client notice the new pid;
worker.jobs.own_connections drops the database pool).
"""

from __future__ import annotations

import contextlib
import os
import stat

_installed = False


def _inherited_sockets() -> list[int]:
    found = []
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd <= 2:  # stdio may be a socket (journald): the child's output goes there too
            continue
        with contextlib.suppress(OSError):
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                found.append(fd)
    return found


def _let_go_of_sockets() -> None:
    """In a freshly forked child: every socket it inherited now points at /dev/null."""
    sockets = _inherited_sockets()
    if not sockets:
        return
    null = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
    try:
        for fd in sockets:
            with contextlib.suppress(OSError):
                os.dup2(null, fd, inheritable=False)
    finally:
        os.close(null)


def isolate_children() -> None:
    """Make every later fork of this process let go of its sockets (once per process)."""
    global _installed
    if not _installed:
        os.register_at_fork(after_in_child=_let_go_of_sockets)
        _installed = True
