"""T3: the Docker engine goes away in the middle of a judgement (its socket cut through a proxy
the test owns) and comes back: the judgement is retried, no IE, no orphan container left."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest

from app.channels import submission_channel
from app.stores import get_redis
from app.submissions.service import create_submission
from tests.factories import make_challenge, make_user
from tests.faults.breakers import DockerProxy, orphans, remove_containers
from tests.faults.conftest import output_dir, write_figures
from tests.faults.judging import SLOW_SUM, TESTS, finished, lease_holder, seen, watch
from tests.faults.supervisor import Workers

pytestmark = [pytest.mark.faults, pytest.mark.docker]
# Shorter than any sensible retry span: a student must never pay for this with an IE.
ENGINE_AWAY_S = 10


def test_judgement_outlives_the_engine_going_away(faults_env, tmp_path, say):
    folder = Path(tempfile.mkdtemp(prefix="codedev-faults-docker-"))  # a short socket path
    proxy = DockerProxy(folder / "docker.sock")
    proxy.start()
    env = {**faults_env, "DOCKER_HOST": proxy.url}
    challenge = make_challenge(tests=TESTS, stop_on_first_failure=False)
    submission = create_submission(make_user(), challenge, "python3", SLOW_SUM)
    judgement_id = submission.judgements[0].id
    pubsub = get_redis().pubsub()
    pubsub.subscribe(submission_channel(submission.id))
    workers = Workers(env, output_dir("t3-docker-outage"), 1)
    horses: set[int] = set()

    def note_horse() -> None:
        pid = lease_holder(judgement_id)
        if pid is not None:
            horses.add(pid)

    def first_test() -> bool:
        message = pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
        return message is not None and b"submission.test" in message["data"]

    try:
        worker = workers.start(0)
        watch(first_test, 90, "the first test result", also=note_horse)
        cut_at = time.monotonic()
        proxy.cut()
        cut = seen(judgement_id)
        watch(lambda: time.monotonic() - cut_at >= ENGINE_AWAY_S, ENGINE_AWAY_S + 5,
              "the outage", also=note_horse)  # fmt: skip
        during = seen(judgement_id)
        proxy.restore()
        watch(lambda: finished(judgement_id), 180, "the verdict", also=note_horse)
        judged = seen(judgement_id)
        owners = horses | {worker.pid}
        left = []
        try:
            watch(lambda: not orphans(owners), 60, "no orphan container")
        except AssertionError:
            left = orphans(owners)
    finally:
        pubsub.close()
        workers.stop_all()
        proxy.close()
        remove_containers(horses | set(workers.every_pid))
        shutil.rmtree(folder, ignore_errors=True)
    log = workers.log_text()
    write_figures(
        "t3-docker-outage",
        {"engine_away_s": ENGINE_AWAY_S, "at_cut": cut.__dict__, "end_of_outage": during.__dict__,
         "judged": judged.__dict__, "orphans": left, "horses": sorted(horses)},
        say,
    )  # fmt: skip
    assert judged.verdict != "IE", f"IE after an outage of {ENGINE_AWAY_S} s: {judged.error}\n{log}"
    assert (judged.status, judged.verdict) == ("done", "AC"), log
    assert judged.attempts >= 2, "the cut judgement was not retried"
    assert judged.results == judged.positions == len(TESTS)
    assert left == [], f"orphan containers left: {left}"
