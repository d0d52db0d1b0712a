"""A judgement that keeps failing ends `failed` with verdict IE after JUDGE_MAX_ATTEMPTS tries."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Blob, Judgement
from app.submissions.service import create_submission
from tests.factories import make_challenge, make_user
from tests.worker.workers import worker_env, worker_process

pytestmark = pytest.mark.docker  # a real worker: its pool keeper and reaper talk to the engine

GOOD = "a, b = map(int, input().split())\nprint(a + b)\n"


def test_damaged_test_data_fails_after_max_attempts(app, stack, tmp_path):
    challenge = make_challenge(tests=[("40 2\n", "42\n")])
    blob = db.session.scalar(select(Blob).where(Blob.sha256 == challenge.tests[0].answer_sha256))
    blob.data = b"tampered\n"  # no longer matches its hash: the judge must not trust it
    db.session.commit()
    judgement_id = create_submission(make_user(), challenge, "python3", GOOD).judgements[0].id
    env = worker_env(stack, tmp_path / "blobs", CODEDEV_JUDGE_MAX_ATTEMPTS="3")
    with worker_process(env, tmp_path / "worker.log", "--burst") as process:
        process.wait(timeout=120)
    db.session.remove()
    judgement = db.session.get(Judgement, judgement_id)
    log = (tmp_path / "worker.log").read_text()
    assert (judgement.status, judgement.verdict, judgement.attempts) == ("failed", "IE", 3), log
    assert "does not match its hash" in judgement.error
    assert not judgement.test_results
