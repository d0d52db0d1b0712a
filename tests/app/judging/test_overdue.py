"""requeue_stale puts back a judgement queued far longer than the queue ahead of it explains."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rq import Worker

from app.extensions import db
from app.judging.queue import job_id, requeue_stale
from app.models import Judgement, utcnow
from app.stores import get_queue, get_redis
from app.submissions.service import create_submission
from tests.factories import make_challenge, make_user

GOOD = "print(sum(map(int, input().split())))\n"


@pytest.fixture
def queued(app) -> list[int]:
    """Three queued judgements, enqueued 10 minutes ago (the oldest first in the queue)."""
    app.config.update(SUBMISSION_RATE_PER_MINUTE=0, JUDGE_OVERDUE_SECONDS=120)
    challenge, user = make_challenge(), make_user()
    ids = [create_submission(user, challenge, "python3", GOOD).judgements[0].id for _ in range(3)]
    for judgement in db.session.query(Judgement):
        judgement.enqueued_at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    return ids


def a_worker(state: str) -> Worker:
    worker = Worker(["judge"], connection=get_redis(), name=f"test-{state}")
    worker.register_birth()
    worker.set_state(state)
    return worker


def test_a_lost_job_is_requeued_first_while_a_worker_idles(app, queued):
    a_worker("idle")
    get_redis().lrem(get_queue("judge").key, 0, job_id(queued[0], 0))  # dequeued and lost
    report = requeue_stale()
    assert report.overdue == queued  # and every one waited 10 min with a worker idle
    db.session.remove()
    judgement = db.session.get(Judgement, queued[0])
    assert judgement.stalls == 1 and "workers sat idle" in judgement.stall_reason
    assert judgement.enqueued_at > utcnow() - timedelta(minutes=1)
    assert set(get_queue("judge").job_ids) == {job_id(i, 0) for i in queued}
    assert requeue_stale().overdue == []  # freshly queued: left alone


def test_no_idle_worker_leaves_them_waiting(app, queued):
    a_worker("busy")
    report = requeue_stale()
    assert report.overdue == [] and sorted(report.live) == queued


def test_a_long_queue_ahead_explains_the_wait(app, queued):
    app.config["JUDGE_TYPICAL_SECONDS"] = 600  # each job ahead may take ten minutes
    a_worker("idle")
    report = requeue_stale()
    assert report.overdue == [queued[0]]  # nothing ahead of the first explains its wait
