"""T1, the storm: students submit through a real web process while a worker is SIGKILLed every
5 s and restarted, the test's own Redis is SIGKILLed and restarted (AOF on) and its own
PostgreSQL cluster is restarted (`pg_ctl -m fast`). Every submission is judged right, once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import pytest
from flask_migrate import upgrade
from rq.exceptions import NoSuchJobError
from rq.job import Job

from app import create_app
from app.auth.service import create_token
from app.extensions import db
from app.judging.queue import job_id, lease_key
from app.stores import get_queue, get_redis
from tests.factories import make_challenge, make_user
from tests.faults.conftest import output_dir, write_figures
from tests.faults.judging import STALE_WRITES_KEY
from tests.faults.scale import KILL_EVERY_S, SCALE, WAIT_BEYOND_OUTAGE_S
from tests.faults.stores import OwnPostgres, OwnRedis
from tests.faults.storm import (
    Outage,
    Posting,
    answers_by_outage,
    judgements_of,
    progress,
    stored_submissions,
)
from tests.faults.supervisor import KillLoop, Workers
from tests.stacks import Stack
from tests.webproc import web_process
from tests.worker.judge_support import require_sandbox
from tests.worker.workers import worker_env

pytestmark = [pytest.mark.faults, pytest.mark.docker, pytest.mark.timeout(SCALE.storm_timeout_s)]
TESTS = [("1 1\n", "2\n"), ("2 3\n", "5\n"), ("4 4\n", "8\n")]
WORKERS = 2


def break_stores(redis: OwnRedis, postgres: OwnPostgres, outages: list[Outage]) -> None:
    """The storm's two store outages, at their times from the start (run in a thread)."""
    t0 = time.monotonic()
    plan = sorted([(SCALE.redis_kill_at, "redis"), (SCALE.postgres_stop_at, "postgres")])
    for at, kind in plan:
        time.sleep(max(0.0, t0 + at - time.monotonic()))
        outage = Outage(kind, time.time())
        outages.append(outage)
        if kind == "redis":
            redis.kill()
            time.sleep(SCALE.redis_down_s)
            redis.start()  # replays its append-only file
        else:
            postgres.stop("fast")
            time.sleep(SCALE.postgres_down_s)
            postgres.start()
        outage.end = time.time()


@pytest.fixture
def own_stores(tmp_path):
    require_sandbox()
    postgres = OwnPostgres()
    redis = None
    try:
        redis = OwnRedis(tmp_path / "redis")
        yield postgres, redis
    finally:
        if redis is not None:
            redis.destroy()
        postgres.destroy()


def test_storm(own_stores, tmp_path, monkeypatch, say):
    postgres, redis = own_stores
    config = {"TESTING": True, "SECRET_KEY": "storm-secret", "DATABASE_URL": postgres.url,
              "REDIS_URL": redis.url, "SERVER_NAME": "localhost"}  # fmt: skip
    app = create_app(config)
    monkeypatch.setenv("CODEDEV_SUBMISSION_RATE_PER_MINUTE", "0")  # for the web process
    with app.app_context():
        upgrade()
        challenge = make_challenge(tests=TESTS, slug="storm")
        tokens = [create_token(make_user()) for _ in range(SCALE.students)]
        db.session.commit()
        env = worker_env(Stack("storm", postgres.url, redis.url), tmp_path / "blobs")
        logs = output_dir(f"t1-storm-{SCALE.name}")
        workers = Workers(env, logs, WORKERS)
        outages: list[Outage] = []
        kills = KillLoop(workers, KILL_EVERY_S)
        with web_process(app, log=logs / "web.log") as url:
            posting = Posting(url, tokens, challenge.slug, SCALE)
            try:
                workers.start_all()
                started = time.time()
                posting.start()
                chaos = threading.Thread(target=break_stores, args=(redis, postgres, outages))
                chaos.start()
                storm_end = max(SCALE.posting_s, SCALE.postgres_stop_at, SCALE.redis_kill_at)
                # Bounded: past this, something waited longer than the pass criterion allows.
                down = SCALE.redis_down_s + SCALE.postgres_down_s
                deadline = time.monotonic() + storm_end + WAIT_BEYOND_OUTAGE_S + down + 30
                last_check = 0.0
                while time.monotonic() < deadline:
                    kills.tick()
                    if time.monotonic() - last_check > 2:
                        last_check = time.monotonic()
                        accepted = set(posting.accepted)
                        if posting.done and not chaos.is_alive() and (
                            progress(accepted) == len(accepted)):  # fmt: skip
                            break
                    time.sleep(0.2)
                drained = time.time()
            finally:
                workers.stop_all()
                posting.join(timeout=REQUEST_GRACE_S)
                if "chaos" in locals():
                    chaos.join(timeout=120)
        figures, problems = judge_the_storm(posting, outages, started, drained, workers)
        figures["stale_writes_refused"] = stale_writes(app)
    write_figures(f"t1-storm-{SCALE.name}", figures, say)
    assert not problems, "\n".join(problems)


REQUEST_GRACE_S = 90.0


def stale_writes(app) -> int | str:
    value = get_redis(app).get(STALE_WRITES_KEY)
    return int(value) if value is not None else f"not counted anywhere ({STALE_WRITES_KEY} unset)"


def job_state(judgement_id: int, attempts: int) -> dict[str, Any]:
    """Where an unfinished judgement's job is in Redis: the evidence of why it waits."""
    connection = get_redis()
    name = job_id(judgement_id, attempts)
    try:
        job = Job.fetch(name, connection=connection)
        status = str(job.get_status(refresh=False))
    except NoSuchJobError:
        status = "no such job"
    return {"job": name, "status": status, "lease": bool(connection.exists(lease_key(judgement_id))),
            "in_judge_queue": name in get_queue("judge").job_ids}  # fmt: skip


def judge_the_storm(
    posting: Posting, outages: list[Outage], started: float, drained: float, workers: Workers
) -> tuple[dict[str, Any], list[str]]:
    """The figures of the run, and every way it missed the pass criteria."""
    problems: list[str] = []
    accepted = dict(posting.accepted)
    stored = stored_submissions()
    found = judgements_of(set(accepted))
    statuses = Counter(str(a.status) if a.status is not None else a.code for a in posting.answers)
    bad_answers = {k: v for k, v in statuses.items() if k not in ("201", "503")}
    if bad_answers:
        problems.append(f"answers other than 201/503: {bad_answers}")
    if posting.given_up:
        problems.append(f"{len(posting.given_up)} submissions never got a 201 in {300} s")
    if stored - set(accepted):
        problems.append(f"rows kept without a 201 (half-written): {sorted(stored - set(accepted))}")
    if set(accepted) - stored:
        problems.append(f"201s without their row (lost): {sorted(set(accepted) - stored)}")
    waits, judged, wrong, unfinished, ie, twice = [], 0, [], [], [], []
    for submission_id, expected in sorted(accepted.items()):
        rows = found.get(submission_id, [])
        if len(rows) != 1 or any(r["results"] != r["positions"] for r in rows):
            twice.append({"submission": submission_id, "judgements": rows})
        finished = [r for r in rows if r["status"] in ("done", "failed")]
        if not finished:
            jobs = [job_state(r["id"], r["attempts"]) for r in rows]
            unfinished.append({"submission": submission_id, "judgements": rows, "jobs": jobs})
            continue
        row = finished[-1]
        if row["verdict"] == "IE":
            ie.append({"submission": submission_id, **row})
        elif row["status"] != "done" or row["verdict"] != expected:
            wrong.append({"submission": submission_id, "expected": expected, **row})
        else:
            judged += 1
        wait = row["finished"] - row["created"]
        overlap = [o for o in outages if o.start <= row["finished"] and o.end >= row["created"]]
        allowed = WAIT_BEYOND_OUTAGE_S + sum(o.seconds for o in overlap)
        waits.append({"submission": submission_id, "wait_s": round(wait, 1),
                      "outages": [o.kind for o in overlap],
                      "outage_s": round(sum(o.seconds for o in overlap), 1),
                      "beyond_outages_s": round(wait - allowed + WAIT_BEYOND_OUTAGE_S, 1),
                      "attempts": row["attempts"], "too_long": wait > allowed})  # fmt: skip
    for label, items in (("not finished", unfinished), ("IE", ie), ("wrong verdict", wrong),
                         ("not counted exactly once", twice)):  # fmt: skip
        if items:
            problems.append(f"{len(items)} {label}, e.g. {items[:3]}")
    too_long = [w for w in waits if w["too_long"]]
    if too_long:
        problems.append(f"{len(too_long)} waited > {WAIT_BEYOND_OUTAGE_S:.0f} s beyond their "
                        f"outages, e.g. {sorted(too_long, key=lambda w: -w['wait_s'])[:3]}")  # fmt: skip
    longest = max(waits, key=lambda w: w["wait_s"], default=None)
    log = workers.log_text()
    figures = {
        "scale": SCALE.name,
        "posted": SCALE.submissions,
        "accepted_201": len(accepted),
        "judged_right": judged,
        "judged_over_posted": f"{judged}/{SCALE.submissions}",
        "http_tries": len(posting.answers),
        "answers": dict(statuses),
        "answers_by_outage": answers_by_outage(posting.answers, outages),
        "outages": [
            {"kind": o.kind, "at_s": round(o.start - started, 1), "seconds": round(o.seconds, 1)}
            for o in outages
        ],  # fmt: skip
        "longest_wait": longest,
        "attempts": dict(Counter(w["attempts"] for w in waits)),
        "worker_kills": workers.kills,
        "workers_restarted_after_dying_alone": workers.restarts_after_exit,
        "worker_starts": workers.started,
        "worker_log_tracebacks": log.count("Traceback"),
        "stall_log_lines": sum(1 for line in log.splitlines() if "stall" in line.lower()),
        "storm_s": round(drained - started, 1),
        "problems": problems,
    }
    return figures, problems
