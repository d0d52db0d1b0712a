"""Validate from the page queues a job; the page follows it to the report, never blocking."""

from __future__ import annotations

import re

import pytest
import redis
from rq.job import Job

from app.challenges import service, testdata
from app.challenges.validation import queue as queued
from app.errors import Conflict, ServiceUnavailable
from app.extensions import db
from app.models import Challenge, User
from app.stores import get_queue, get_redis
from tests.conftest import submit
from tests.factories import make_user
from tests.worker.judge_support import require_sandbox
from tests.worker.workers import worker_env, worker_process

SUM = "a, b = map(int, input().split())\nprint(a + b)\n"


@pytest.fixture
def teacher(app, client, auth):
    user = make_user(role="teacher", email="t@example.org")
    service.create_challenge(user, service.ChallengeData(title="Add", slug="add"))
    testdata.add_test(user, "add", "", b"1 2\n", b"3\n")
    service.add_reference(user, "add", "sum.py", "python3", SUM, "AC")
    assert auth.login("t@example.org").status_code == 302
    return user.id


def the_teacher(teacher_id: int) -> User:
    return db.session.get(User, teacher_id)


def state() -> dict:
    db.session.remove()
    challenge = db.session.scalar(db.select(Challenge).where(Challenge.slug == "add"))
    return queued.validation_state(challenge) or {}


def press_validate(client):
    return submit(client, "/challenges/add/validate", {}, page="/challenges/add/solutions")


def test_validate_queues_a_job_and_the_page_says_it_runs(teacher, client):
    response = press_validate(client)
    assert response.status_code == 302
    running = state()
    assert running["status"] == "running"
    challenge_id = db.session.scalar(db.select(Challenge.id).where(Challenge.slug == "add"))
    job = Job.fetch(queued.job_id(challenge_id, running["token"]), connection=get_redis())
    assert job.func_name == queued.JOB_FUNCTION and job.origin == "default"
    page = client.get("/challenges/add/solutions").get_data(as_text=True)
    assert 'id="validation-running"' in page
    assert "js/validation.js" in page  # the page follows the job by itself
    assert 'http-equiv="refresh"' in page  # inside <noscript>: without scripts, by reloading
    button = re.search(r'<button[^>]*id="validate"[^>]*>', page)
    assert button is not None and "disabled" in button.group(0)


def test_a_second_press_while_it_runs_is_refused(teacher, client):
    press_validate(client)
    with pytest.raises(Conflict):
        service.request_validation(the_teacher(teacher), "add")
    assert len(get_queue("default")) == 1


def test_a_vanished_job_reads_as_interrupted_and_may_run_again(teacher, client):
    press_validate(client)
    get_queue("default").empty()  # as if Redis lost it, or its worker died
    assert state()["status"] == "interrupted"
    page = client.get("/challenges/add/solutions").get_data(as_text=True)
    assert 'id="validation-interrupted"' in page
    assert press_validate(client).status_code == 302
    assert state()["status"] == "running"


def test_a_change_of_the_challenge_drops_the_running_report(teacher, client):
    press_validate(client)
    token = state()["token"]
    testdata.add_test(the_teacher(teacher), "add", "", b"2 2\n", b"4\n")  # forgets the validation
    challenge = db.session.scalar(db.select(Challenge).where(Challenge.slug == "add"))
    assert queued.run_validation(challenge.id, token) == "stale"
    assert state() == {}


def test_no_queue_is_a_clear_error_and_leaves_no_running_state(teacher, app, client):
    working = app.extensions["redis"]
    app.extensions["redis"] = redis.Redis.from_url("redis://127.0.0.1:1")  # nothing listens
    try:
        with pytest.raises(ServiceUnavailable, match="job queue"):
            service.request_validation(the_teacher(teacher), "add")
    finally:
        app.extensions["redis"] = working
    assert state() == {}


@pytest.mark.docker
def test_a_worker_runs_the_validation_and_the_page_shows_the_report(
    teacher, client, stack, tmp_path
):
    require_sandbox()
    press_validate(client)
    env = worker_env(stack, tmp_path / "blobs")
    with worker_process(env, tmp_path / "worker.log", "--burst") as process:
        process.wait(timeout=300)
    report = state()
    assert report.get("ok") is True, (report, (tmp_path / "worker.log").read_text()[-2000:])
    assert [run["verdict"] for run in report["runs"]] == ["AC"]
    page = client.get("/challenges/add/solutions").get_data(as_text=True)
    assert 'id="validation-report"' in page and "Validation passed" in page
    assert 'http-equiv="refresh"' not in page and "js/validation.js" not in page
    service.set_published(
        the_teacher(teacher), "add", True
    )  # the stored report is what publishing reads
