"""T2: a worker frozen past its lease wakes after another finished its judgement: one verdict,
and its late write is refused (fenced by the attempt number) and counted."""

from __future__ import annotations

import signal

import pytest

from app.judging.queue import lease_key
from app.stores import get_redis
from app.submissions.service import create_submission
from tests.factories import make_challenge, make_user
from tests.faults.conftest import output_dir, write_figures
from tests.faults.judging import (
    SLOW_SUM,
    TESTS,
    finished,
    lease_holder,
    seen,
    stale_writes_refused,
    watch,
)
from tests.faults.supervisor import Workers, signal_tree
from worker.sandbox.pool import pid_alive

pytestmark = [pytest.mark.faults, pytest.mark.docker]
LEASE_S = 2


def test_frozen_worker_cannot_overwrite_the_verdict(faults_env, tmp_path, say):
    env = {**faults_env, "CODEDEV_JUDGE_LEASE_SECONDS": str(LEASE_S)}
    challenge = make_challenge(tests=TESTS, stop_on_first_failure=False)
    judgement_id = create_submission(make_user(), challenge, "python3", SLOW_SUM).judgements[0].id
    workers = Workers(env, output_dir("t2-stale-write"), 2)
    frozen: list[int] = []
    try:
        first = workers.start(0)
        watch(lambda: lease_holder(judgement_id) and seen(judgement_id).status == "judging",
              90, "the first worker's horse to start judging")  # fmt: skip
        horse = lease_holder(judgement_id)
        assert horse is not None and horse != first.pid
        frozen = signal_tree(first.pid, signal.SIGSTOP)  # a paused VM: worker and horse
        assert horse in frozen
        watch(lambda: not get_redis().exists(lease_key(judgement_id)), 10 * LEASE_S,
              "the frozen horse's lease to lapse")  # fmt: skip
        workers.start(1)
        watch(lambda: finished(judgement_id), 120, "the second worker's verdict")
        judged = seen(judgement_id)
        signal_tree(first.pid, signal.SIGCONT)
        frozen = []
        # Woken, the horse runs its remaining tests and tries to record attempt 1's result.
        watch(lambda: not pid_alive(horse), 120, "the woken horse to finish its job")
        after = seen(judgement_id)
    finally:
        if frozen:
            signal_tree(first.pid, signal.SIGCONT)
        workers.stop_all()
    refused = stale_writes_refused()
    log = workers.log_text()
    write_figures(
        "t2-stale-write",
        {"judged": judged.__dict__, "after_wake": after.__dict__, "stale_writes_refused": refused,
         "stale_write_log_lines": [line for line in log.splitlines() if "stale" in line.lower()]},
        say,
    )  # fmt: skip
    assert (judged.status, judged.verdict, judged.attempts) == ("done", "AC", 2), log
    assert after == judged, "the woken worker's late write changed the recorded judgement"
    assert after.results == after.positions == len(TESTS)
    assert refused == 1, (
        f"the stale write of attempt 1 was not counted as refused ({STALE_KEY_HINT}: {refused})"
    )


STALE_KEY_HINT = "Redis counter judge:stale-writes-refused"
