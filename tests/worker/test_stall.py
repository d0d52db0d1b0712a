"""A work horse that makes no progress is killed, counted, and its job retried (issue 15)."""

from __future__ import annotations

import os
import signal

import pytest
from rq.job import Job

from app.extensions import db
from app.judging.queue import lease_key
from app.models import Judgement
from app.stores import get_queue, get_redis
from app.submissions.service import create_submission
from tests.factories import make_challenge, make_user
from tests.support.polling import wait_for
from tests.worker.judge_support import require_sandbox
from tests.worker.test_spare import first_job_and_spare
from tests.worker.workers import worker_env, worker_process
from worker.stall import STALLS_KEY

SUM = "a, b = map(int, input().split())\nprint(a + b)\n"
SLOW_SUM = "import time\ntime.sleep(1)\n" + SUM


@pytest.fixture
def env(app, stack, tmp_path):
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    # Leases of 3 s (worker_env): a horse that shows nothing for 6 s is stalled.
    return worker_env(stack, tmp_path / "blobs", CODEDEV_JUDGE_STALL_SECONDS="6")


def finished(judgement_id: int) -> Judgement | None:
    db.session.remove()
    judgement = db.session.get(Judgement, judgement_id)
    return judgement if judgement.is_finished else None


def status_of(judgement_id: int) -> str:
    db.session.remove()
    return db.session.get(Judgement, judgement_id).status


def test_a_horse_that_never_starts_its_job_is_killed_and_the_job_retried(env, tmp_path):
    log = tmp_path / "worker.log"
    with worker_process(env, log) as worker:
        first, spare = first_job_and_spare(worker.pid)
        os.kill(spare, signal.SIGSTOP)  # it will be handed the job and do nothing with it
        job = get_queue("default").enqueue("tests.worker.spare_jobs.whoami")
        wait_for(lambda: job.get_status(refresh=True) == "finished", 60, "the retried job")
        assert int(job.return_value()) not in (first, spare)
        assert worker.poll() is None
    text = log.read_text()
    assert f"horse {spare} did not start job {job.id}" in text, text
    assert int(get_redis().get(STALLS_KEY)) == 1


@pytest.mark.docker
def test_a_judgement_handed_to_a_stuck_horse_is_judged_by_another(env, tmp_path):
    require_sandbox()
    challenge = make_challenge(tests=[("1 2\n", "3\n")])
    with worker_process(env, tmp_path / "worker.log") as worker:
        first, spare = first_job_and_spare(worker.pid)
        os.kill(spare, signal.SIGSTOP)
        judgement_id = create_submission(make_user(), challenge, "python3", SUM).judgements[0].id
        judgement = wait_for(lambda: finished(judgement_id), 90, "the verdict")
    assert (judgement.verdict, judgement.attempts, judgement.stalls) == ("AC", 1, 1)
    assert f"horse {spare} did not take judgement {judgement_id}'s lease" in judgement.stall_reason
    assert not judgement.worker.endswith(f":{spare}")


@pytest.mark.docker
def test_a_horse_that_stops_renewing_its_lease_is_killed_and_the_judgement_retried(env, tmp_path):
    require_sandbox()
    challenge = make_challenge(tests=[("1 2\n", "3\n"), ("2 3\n", "5\n"), ("3 4\n", "7\n")])
    redis = get_redis()
    with worker_process(env, tmp_path / "worker.log"):
        judgement_id = create_submission(
            make_user(), challenge, "python3", SLOW_SUM
        ).judgements[0].id
        wait_for(lambda: status_of(judgement_id) == "judging", 60, "the first attempt")
        token = redis.get(lease_key(judgement_id))
        horse = int(token.decode().rsplit(":", 2)[-2])
        os.kill(horse, signal.SIGSTOP)  # frozen mid-judgement: its lease lapses
        judgement = wait_for(lambda: finished(judgement_id), 120, "the verdict")
        # The retry is a job of its own, named by the attempts made before it (job_id); RQ
        # marks it finished once the job's after-commit consequences have run too.
        retry = Job.fetch(f"judge-{judgement_id}-1", connection=redis)
        wait_for(lambda: retry.get_status(refresh=True) == "finished", 60, "the retry job")
    assert (judgement.verdict, judgement.attempts, judgement.stalls) == ("AC", 2, 1)
    assert "stopped renewing" in judgement.stall_reason
    assert not judgement.worker.endswith(f":{horse}")
