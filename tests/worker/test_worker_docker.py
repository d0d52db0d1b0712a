"""A real worker judges in Docker: events in order, and no submission is lost to kills or flushes."""

from __future__ import annotations

import os
import signal

import pytest
from sqlalchemy import func, select

from app.channels import submission_channel
from app.extensions import db
from app.judging.queue import lease_key
from app.models import Judgement, TestResult
from app.stores import get_redis
from app.submissions.service import create_submission
from tests.factories import make_challenge, make_user
from tests.support.polling import wait_for
from tests.worker.judge_support import collect_events, require_sandbox
from tests.worker.workers import kill_group, worker_env, worker_process

pytestmark = pytest.mark.docker

SUM = "a, b = map(int, input().split())\nprint(a + b)\n"
# Slow enough per test that a kill lands mid-judgement (sleep is wall time, not CPU time).
SLOW_SUM = "import time\ntime.sleep(0.5)\na, b = map(int, input().split())\nprint(a + b)\n"
TESTS = [(f"{i} {i}\n", f"{2 * i}\n") for i in range(1, 7)]


@pytest.fixture
def env(app, stack, tmp_path):
    require_sandbox()
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    return worker_env(stack, tmp_path / "blobs")


def status_of(judgement_id: int) -> Judgement:
    db.session.remove()
    return db.session.get(Judgement, judgement_id)


def finished(judgement_id: int) -> bool:
    return status_of(judgement_id).is_finished


def results_of(judgement_id: int) -> int:
    query = select(func.count()).where(TestResult.judgement_id == judgement_id)
    return db.session.scalar(query)


def test_worker_judges_and_events_arrive_in_order(env, tmp_path):
    challenge = make_challenge(tests=TESTS[:3], stop_on_first_failure=False)
    pubsub = get_redis().pubsub()
    submission = create_submission(make_user(), challenge, "python3", SUM)
    judgement_id = submission.judgements[0].id
    pubsub.subscribe(submission_channel(submission.id))
    with worker_process(env, tmp_path / "worker.log"):
        events = collect_events(pubsub)
        wait_for(lambda: finished(judgement_id), 60, "the verdict")
    pubsub.close()
    tests = [e for e in events if e["type"] == "submission.test"]
    assert [e["position"] for e in tests] == [1, 2, 3]
    assert all(e["verdict"] == "AC" and e["total"] == 3 for e in tests)
    assert events[-1]["type"] == "submission.done" and events[-1]["verdict"] == "AC"
    judgement = status_of(judgement_id)
    assert (judgement.status, judgement.verdict, judgement.score) == ("done", "AC", 100)
    assert judgement.attempts == 1 and results_of(judgement_id) == 3


def test_partial_score_runs_every_test(env, tmp_path):
    challenge = make_challenge(
        tests=[("1 1\n", "2\n"), ("2 2\n", "5\n")], stop_on_first_failure=False
    )
    judgement_id = create_submission(make_user(), challenge, "python3", SUM).judgements[0].id
    with worker_process(env, tmp_path / "worker.log"):
        wait_for(lambda: finished(judgement_id), 60, "the verdict")
    judgement = status_of(judgement_id)
    assert (judgement.verdict, judgement.score) == ("WA", 50)
    assert [r.verdict for r in judgement.test_results] == ["AC", "WA"]


def horse_pid(judgement_id: int) -> int | None:
    """The pid of the process holding the judgement's lease (host:pid:random)."""
    token = get_redis().get(lease_key(judgement_id))
    return int(token.decode().split(":")[1]) if token else None


def started_tests(judgement_id: int, pubsub) -> bool:
    message = pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
    return message is not None and b"submission.test" in message["data"]


def test_killed_work_horse_is_judged_again_exactly_once(env, tmp_path):
    challenge = make_challenge(tests=TESTS)
    submission = create_submission(make_user(), challenge, "python3", SLOW_SUM)
    judgement_id = submission.judgements[0].id
    pubsub = get_redis().pubsub()
    pubsub.subscribe(submission_channel(submission.id))
    with worker_process(env, tmp_path / "worker.log") as worker:
        wait_for(lambda: started_tests(judgement_id, pubsub), 60, "the first test result")
        pid = horse_pid(judgement_id)
        assert pid is not None and pid != worker.pid
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: finished(judgement_id), 120, "the rejudged verdict")
        assert worker.poll() is None  # the worker itself survived
    pubsub.close()
    judgement = status_of(judgement_id)
    assert (judgement.status, judgement.verdict, judgement.attempts) == ("done", "AC", 2)
    assert results_of(judgement_id) == len(TESTS)  # replaced, not added to
    assert_no_orphans(pid)


def test_killed_worker_is_recovered_by_the_next_one(env, tmp_path):
    challenge = make_challenge(tests=TESTS)
    submission = create_submission(make_user(), challenge, "python3", SLOW_SUM)
    judgement_id = submission.judgements[0].id
    with worker_process(env, tmp_path / "first.log") as first:
        # The lease comes before the attempt is counted: wait for both, so this try counts.
        wait_for(
            lambda: horse_pid(judgement_id) and status_of(judgement_id).status == "judging",
            60,
            "the judging lease and the counted attempt",
        )
        pid = horse_pid(judgement_id)
        # The horse runs in a session of its own (RQ calls setsid): kill both, as a crash would.
        os.killpg(pid, signal.SIGKILL)
        kill_group(first)
    # "judging" if the worker died before noticing its horse had; "queued" if it noticed first
    # and put the judgement back. Either way the next worker must finish it, counted once.
    assert status_of(judgement_id).status in ("judging", "queued")
    with worker_process(env, tmp_path / "second.log"):
        wait_for(lambda: finished(judgement_id), 120, "the verdict after restart")
    judgement = status_of(judgement_id)
    assert (judgement.status, judgement.verdict, judgement.attempts) == ("done", "AC", 2)
    assert results_of(judgement_id) == len(TESTS)
    assert_no_orphans(pid)


def test_flushed_redis_loses_no_submission(env, tmp_path, runner):
    challenge = make_challenge(tests=TESTS[:2])
    user = make_user()
    ids = [create_submission(user, challenge, "python3", SUM).judgements[0].id for _ in range(4)]
    get_redis().flushdb()  # every queued job is gone
    result = runner.invoke(args=["judge", "requeue-stale"])
    assert result.exit_code == 0 and "requeued 4" in result.output, result.output
    with worker_process(env, tmp_path / "worker.log"):
        wait_for(lambda: all(finished(i) for i in ids), 120, "every verdict")
    assert [status_of(i).verdict for i in ids] == ["AC"] * 4
    assert all(status_of(i).attempts == 1 for i in ids)


def assert_no_orphans(pid: int | None) -> None:
    """No sandbox container claimed by the killed process (named ...-busy-<pid>) is left."""
    from worker.sandbox.engine import LABEL, get_client

    # Boxes remove themselves when their runner exits: one may go between listing and inspecting.
    containers = get_client().containers.list(
        all=True, filters={"label": LABEL}, ignore_removed=True
    )
    assert [c.name for c in containers if c.name.endswith(f"-busy-{pid}")] == []
