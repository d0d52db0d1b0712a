"""T4: the worker's blob cache sits on a full filesystem: a system error that is retried, never
a wrong verdict, and a log line that says what is full."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from flask import current_app

from app.extensions import db
from app.models import Challenge, User
from app.submissions.service import create_submission
from tests.factories import make_challenge, make_user
from tests.faults.breakers import full_tmpfs
from tests.faults.conftest import output_dir, write_figures
from tests.faults.judging import SUM, WRONG_SUM, finished, seen, watch
from tests.faults.supervisor import Workers

pytestmark = [pytest.mark.faults, pytest.mark.docker]
TESTS = [("1 1\n", "2\n"), ("2 3\n", "5\n"), ("4 4\n", "8\n")]
NO_SPACE = "No space left on device"


def test_full_blob_cache_never_gives_a_wrong_verdict(faults_env, tmp_path, say):
    folder = Path(tempfile.mkdtemp(prefix="codedev-faults-cache-"))
    cache = folder / "blobs"
    user = make_user()
    workers = Workers(
        {**faults_env, "CODEDEV_BLOB_CACHE_DIR": str(cache)}, output_dir("t4-blob-cache-full"), 1
    )
    try:
        with full_tmpfs(folder):
            challenge = make_challenge(tests=TESTS)
            user_id, challenge_id = user.id, challenge.id
            expected = {}
            for source, verdict in ((SUM, "AC"), (WRONG_SUM, "WA")):
                judgement = create_submission(user, challenge, "python3", source).judgements[0]
                expected[judgement.id] = verdict
            workers.start(0)
            watch(lambda: all(finished(i) for i in expected), 180, "both judgements to finish")
            on_full = {i: seen(i) for i in expected}
            # Space again: the same worker judges as before (and nothing bad was cached).
            (folder / "filler").unlink()
            user, challenge = db.session.get(User, user_id), db.session.get(Challenge, challenge_id)
            judgement = create_submission(user, challenge, "python3", SUM).judgements[0]
            watch(lambda: finished(judgement.id), 120, "the judgement after space came back")
            after = seen(judgement.id)
    finally:
        workers.stop_all()
        shutil.rmtree(folder, ignore_errors=True)
    log = workers.log_text()
    clear = [line for line in log.splitlines() if NO_SPACE in line and str(cache) in line]
    write_figures(
        "t4-blob-cache-full",
        {"on_full_disk": {str(i): s.__dict__ for i, s in on_full.items()},
         "after_space_freed": after.__dict__, "clear_log_lines": clear[:5],
         "no_space_lines": [line for line in log.splitlines() if NO_SPACE in line][:5]},
        say,
    )  # fmt: skip
    max_attempts = current_app.config["JUDGE_MAX_ATTEMPTS"]
    for judgement_id, verdict in expected.items():
        judged = on_full[judgement_id]
        assert judged.verdict in (verdict, "IE"), f"wrong verdict on a full disk: {judged}"
        if judged.verdict == "IE":  # a system error: retried to the end, and saying why
            assert judged.attempts == max_attempts, judged
            assert NO_SPACE in judged.error, judged
    assert (after.status, after.verdict) == ("done", "AC"), log
    assert clear, f"no log line names the full blob cache {cache} and says {NO_SPACE!r}:\n{log}"
