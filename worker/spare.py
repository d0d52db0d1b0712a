"""The spare work horse: forked and warmed up before the job it will run is dequeued.

RQ forks a work horse per job, after the job is dequeued. A fresh fork then pays, on the
judgement's own clock, for the copy-on-write faults of every page it touches and for its own
database and Redis connections (about 10-20 ms on a small VM). A spare is forked while the
worker waits or while the previous horse judges; it opens its connections and runs a judge
job's first reads, then blocks on a pipe. The worker hands it the next job's ids (as RQ's
SpawnWorker does for a spawned horse) and it becomes that job's work horse: same process group
of its own, same monitoring, same kill and timeout handling.

The job's ids go down the pipe as one length-prefixed message: the spare reads exactly that
many bytes and never waits for end of file, which a copy of the write end held by any other
process (the RQ scheduler forked while a spare waited: issue 15) would keep from coming. No
child holds such a copy anyway: the pipe is O_CLOEXEC for anything that execs, and every fork of
the worker (horse, spare, scheduler) closes the spares' write ends first thing (an at-fork hook).

A spare exits when its pipe reaches end of file before a whole message (the worker closed it,
or died) or when its parent is no longer the worker that forked it.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import select
import signal
import struct
import time
from collections.abc import Callable

from rq.executions import Execution
from rq.job import Job
from rq.queue import Queue
from rq.worker import Worker

log = logging.getLogger(__name__)
PARENT_CHECK_S = 5.0  # how often a waiting spare makes sure its worker is still there
FRESH_FOR_S = 60.0  # connections idle longer than this are reopened before the job
MAX_MESSAGE = 4096
_LENGTH = struct.Struct(">I")  # the message's length in bytes, before the message
# The write ends of this worker's spares: only the worker may hold one (see _close_in_child).
_WORKER_ONLY_FDS: set[int] = set()


def _close_in_child() -> None:
    """In every child forked from this process: drop the worker's spare pipe ends at once."""
    for fd in _WORKER_ONLY_FDS:
        with contextlib.suppress(OSError):
            os.close(fd)
    _WORKER_ONLY_FDS.clear()


os.register_at_fork(after_in_child=_close_in_child)


class Spare:
    """The worker's end of one spare: its pid and the pipe the job's ids go down."""

    def __init__(self, pid: int, pipe: int) -> None:
        self.pid = pid
        self._pipe = pipe
        _WORKER_ONLY_FDS.add(pipe)

    def hand_over(self, job: Job, queue: Queue, execution: Execution) -> bool:
        """Give the spare this job; False (and the spare is gone) if it can't take it."""
        try:
            exited, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            exited = self.pid
        if exited:
            log.warning("spare work horse %s had exited; forking a horse instead", self.pid)
            self.close()
            return False
        message = "\n".join((job.id, queue.name, execution.id)).encode()
        try:
            # One short write to a pipe (under PIPE_BUF): atomic, whole or not at all.
            os.write(self._pipe, _LENGTH.pack(len(message)) + message)
        except OSError as error:
            log.warning("could not hand a job to spare %s (%s)", self.pid, error)
            self.discard()
            return False
        finally:
            self.close()
        return True

    def close(self) -> None:
        """Close the pipe: a spare still waiting reads end of file and exits."""
        if self._pipe >= 0:
            _WORKER_ONLY_FDS.discard(self._pipe)
            os.close(self._pipe)
            self._pipe = -1

    def discard(self) -> None:
        """Make a waiting spare exit and reap it (the worker is stopping, or it misbehaved)."""
        self.close()
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def fork_spare(
    worker: Worker, warm: Callable[[], None], freshen: Callable[[], None]
) -> Spare | None:
    """Fork a spare of this worker: it runs warm() and waits for a job, and runs freshen()
    first if the job comes after its connections sat idle for long. None if fork failed."""
    read_end, write_end = os.pipe2(os.O_CLOEXEC)
    _WORKER_ONLY_FDS.add(write_end)  # the spare's own fork closes it too (_close_in_child)
    parent = os.getpid()
    gc.freeze()  # as for a horse: the spare's collections don't touch the worker's pages
    try:
        pid = os.fork()
    except OSError as error:
        gc.unfreeze()
        _WORKER_ONLY_FDS.discard(write_end)
        os.close(read_end)
        os.close(write_end)
        log.warning("could not fork a spare work horse: %s", error)
        return None
    if pid == 0:
        _run_spare(worker, (warm, freshen), read_end, parent)  # never returns
    gc.unfreeze()
    os.close(read_end)
    return Spare(pid, write_end)


def _run_spare(worker: Worker, hooks: tuple[Callable[[], None], Callable[[], None]], pipe: int,
               parent: int) -> None:  # fmt: skip
    """In the spare: warm up, wait for a job's ids, then be its work horse. Never returns."""
    warm, freshen = hooks
    status = 1
    try:
        os.setpgrp()  # as RQ's horse: killing the horse's group leaves the worker alone
        # Until it is a horse, a signal meant for the worker (Ctrl+C, a warm stop) is not its.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _best_effort(warm)  # the job may already be in the pipe: a failure must not lose it
        warmed = time.monotonic()
        message = _wait_for_job(pipe, parent)
        if message is None:
            status = 0
        else:
            if time.monotonic() - warmed > FRESH_FOR_S:  # a server or proxy may have closed them
                _best_effort(freshen)
            _become_horse(worker, *message)
    except BaseException:  # noqa: BLE001 (a forked child must never return into the worker)
        log.exception("spare work horse %s failed", os.getpid())
    os._exit(status)


def _best_effort(step: Callable[[], None]) -> None:
    """Warming up only saves time: the job opens what it needs itself if a step fails."""
    try:
        step()
    except Exception:
        log.warning("spare work horse %s could not warm up", os.getpid(), exc_info=True)


def _wait_for_job(pipe: int, parent: int) -> tuple[str, str, str] | None:
    """The job id, queue name and execution id; None at end of file or if the worker is gone."""
    data = b""
    poller = select.poll()
    poller.register(pipe, select.POLLIN)
    while len(data) < _LENGTH.size or len(data) < _LENGTH.size + _LENGTH.unpack_from(data)[0]:
        if not poller.poll(PARENT_CHECK_S * 1000):
            if os.getppid() != parent:
                return None
            continue
        chunk = os.read(pipe, MAX_MESSAGE)
        if not chunk:  # closed before a whole message: no job is coming
            return None
        data += chunk
    os.close(pipe)
    parts = data[_LENGTH.size :].decode().split("\n")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


def _become_horse(worker: Worker, job_id: str, queue_name: str, execution_id: str) -> None:
    """Run the job as RQ's work horse would (main_work_horse exits the process)."""
    os.environ["RQ_WORKER_ID"] = worker.name
    os.environ["RQ_JOB_ID"] = job_id
    os.environ["RQ_EXECUTION_ID"] = execution_id
    connection = worker.connection
    job = worker.job_class.fetch(job_id, connection=connection, serializer=worker.serializer)
    queue = worker.queue_class(
        queue_name,
        connection=connection,
        job_class=worker.job_class,
        serializer=worker.serializer,
        death_penalty_class=worker.death_penalty_class,
    )
    execution = Execution.fetch(execution_id, job.id, connection=connection)
    execution._job = job
    # Forked while an earlier job ran, the spare may hold that job's execution: not its own.
    worker.executions.clear()
    worker.execution = execution
    worker._horse_pid = 0
    worker.main_work_horse(job, queue)
