"""The spare work horse: forked ahead, handed the next job, and never left behind."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from rq.job import Job

from app.extensions import db
from app.models import Judgement
from app.stores import get_queue, get_redis
from app.submissions.service import create_submission
from tests.factories import make_challenge, make_user
from tests.support.polling import wait_for
from tests.worker.judge_support import require_sandbox
from tests.worker.workers import kill_group, worker_env, worker_process

SUM = "a, b = map(int, input().split())\nprint(a + b)\n"


@pytest.fixture
def env(app, stack, tmp_path):
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    return worker_env(stack, tmp_path / "blobs")


def run_job(timeout: float = 60) -> int:
    """Enqueue whoami on the default queue; the pid of the horse that ran it."""
    job = get_queue("default").enqueue("tests.worker.spare_jobs.whoami")
    wait_for(lambda: job.get_status(refresh=True) in ("finished", "failed"), timeout, "the job")
    assert job.get_status() == "finished", Job.fetch(job.id, connection=get_redis()).exc_info
    return int(job.return_value())


def stat_of(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name; None once the process is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    return text.rsplit(")", 1)[1].split()


def spares_of(worker_pid: int) -> list[int]:
    """The worker's children that lead a process group of their own (a spare or a horse)."""
    found = []
    for entry in Path("/proc").iterdir():
        fields = stat_of(int(entry.name)) if entry.name.isdigit() else None
        # fields: state, ppid, pgrp, ...
        alive_child = fields and fields[0] != "Z" and int(fields[1]) == worker_pid
        if alive_child and int(fields[2]) == int(entry.name):
            found.append(int(entry.name))
    return found


def gone(pid: int) -> bool:
    fields = stat_of(pid)
    return fields is None or fields[0] == "Z"


def first_job_and_spare(worker_pid: int) -> tuple[int, int]:
    """Run a first job (a plain fork runs it); its horse's pid and the one spare then waiting."""
    first = run_job()
    wait_for(lambda: gone(first), 30, "the first horse to exit")
    (spare,) = wait_for(lambda: spares_of(worker_pid), 30, "a spare horse")
    return first, spare


def test_the_next_job_runs_in_the_spare_forked_before_it(env, tmp_path):
    with worker_process(env, tmp_path / "worker.log") as worker:
        first, spare = first_job_and_spare(worker.pid)
        assert spare != first
        assert run_job() == spare  # forked before the job was even enqueued
        # ...and a new spare is waiting for the job after it.
        wait_for(lambda: gone(spare), 30, "the spare-turned-horse to exit")
        following = wait_for(lambda: spares_of(worker.pid), 30, "the next spare")
        assert spare not in following
        assert worker.poll() is None


def test_a_dead_spare_is_replaced_by_a_forked_horse(env, tmp_path):
    with worker_process(env, tmp_path / "worker.log") as worker:
        first, spare = first_job_and_spare(worker.pid)
        os.kill(spare, signal.SIGKILL)
        # Dead before the job comes (one dying during the hand-over is a killed horse: the
        # judgement's lease puts it back, as tests/worker/test_worker_docker.py shows).
        wait_for(lambda: gone(spare), 30, "the spare to die")
        second = run_job()
        assert second not in (first, spare)
        assert worker.poll() is None


def test_a_spare_leaves_with_its_worker(env, tmp_path):
    with worker_process(env, tmp_path / "worker.log") as worker:
        first, spare = first_job_and_spare(worker.pid)
        os.kill(worker.pid, signal.SIGKILL)  # the worker alone: the spare has its own group
        worker.wait(timeout=30)
        wait_for(lambda: gone(spare), 30, "the orphaned spare to exit")


def test_a_stopped_worker_reaps_its_spare(env, tmp_path):
    with worker_process(env, tmp_path / "worker.log") as worker:
        first, spare = first_job_and_spare(worker.pid)
        # Stopped, it cannot notice its pipe closing: only the worker's teardown can end it.
        os.kill(spare, signal.SIGSTOP)
        os.kill(worker.pid, signal.SIGTERM)  # a warm stop
        assert worker.wait(timeout=60) == 0
        assert stat_of(spare) is None  # killed and reaped
        kill_group(worker)


@pytest.mark.docker
def test_a_spare_judges_with_connections_of_its_own(env, tmp_path):
    """The spare opened its database and Redis connections before its judgement came."""
    require_sandbox()
    challenge = make_challenge(tests=[("1 2\n", "3\n"), ("2 2\n", "4\n")])
    with worker_process(env, tmp_path / "worker.log") as worker:
        first, spare = first_job_and_spare(worker.pid)
        judgement_id = create_submission(make_user(), challenge, "python3", SUM).judgements[0].id

        def judged() -> Judgement | None:
            db.session.remove()
            judgement = db.session.get(Judgement, judgement_id)
            return judgement if judgement.is_finished else None

        judgement = wait_for(judged, 60, "the verdict")
    assert (judgement.verdict, judgement.attempts) == ("AC", 1)
    assert judgement.worker.endswith(f":{spare}")


def scheduler_of(worker_pid: int) -> int | None:
    """The worker's RQ scheduler: its one live child that stays in the worker's process group."""
    for entry in Path("/proc").iterdir():
        fields = stat_of(int(entry.name)) if entry.name.isdigit() else None
        # fields: state, ppid, pgrp: a horse or spare leads a group of its own
        if fields and fields[0] != "Z" and int(fields[1]) == int(fields[2]) == worker_pid:
            return int(entry.name)
    return None


def test_a_child_forked_while_the_spare_waits_does_not_stall_the_hand_over(env, tmp_path):
    """Issue 15: a scheduler forked after the spare held a copy of its pipe's write end."""
    with worker_process(env, tmp_path / "worker.log") as worker:
        first, spare = first_job_and_spare(worker.pid)
        scheduler = wait_for(lambda: scheduler_of(worker.pid), 30, "the RQ scheduler")
        os.kill(scheduler, signal.SIGKILL)
        # The next maintenance tick (1 s here) takes its own locks again and forks a new one
        # while the spare waits.
        wait_for(lambda: scheduler_of(worker.pid) not in (None, scheduler), 30, "a new scheduler")
        assert run_job(timeout=30) == spare
        assert run_job(timeout=30) not in (first, spare)


def test_a_worker_keeps_judging_when_the_scheduler_holder_is_killed(env, tmp_path):
    """The worker that holds the scheduler locks dies; the other takes them over and judges on."""
    with worker_process(env, tmp_path / "holder.log") as holder:
        wait_for(lambda: scheduler_of(holder.pid), 30, "the first worker's scheduler")
        with worker_process(env, tmp_path / "other.log") as other:
            # Jobs go to either worker: run them until the other one has a spare waiting.
            wait_for(lambda: run_job(timeout=30) and spares_of(other.pid), 60, "a spare")
            assert scheduler_of(other.pid) is None  # the holder has the locks
            kill_group(holder)
            # Unrenewed, the locks would expire in 61 s (RQ's interval + 60); expire them now.
            redis = get_redis()
            for key in redis.scan_iter("rq:scheduler-lock:*"):
                redis.delete(key)
            wait_for(lambda: scheduler_of(other.pid), 30, "the other worker's scheduler")
            for _ in range(3):
                run_job(timeout=30)  # each within 30 s: no stalled hand-over
            assert other.poll() is None
