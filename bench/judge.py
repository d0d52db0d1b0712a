"""Judge benchmark: our pipeline (real worker, warm pool) vs bare host processes vs `docker run`.

Run: .venv/bin/python bench/judge.py [--submissions N] [--rounds R]. Prints figures; asserts
nothing. Each batch alternates rounds of our judge and of the bare runs, so that a noisy
neighbour on a shared machine slows both rather than one.
Targets: per-test overhead <= 5 ms; per-submission overhead <= 150 ms (median);
20-test Python batch throughput >= 0.6 x bare.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402
from rq.job import Job  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app import create_app  # noqa: E402
from app.embedded import ensure_embedded_redis, stop_embedded_redis  # noqa: E402
from app.extensions import db  # noqa: E402
from app.judging.queue import job_id  # noqa: E402
from app.judging.service import execution_log  # noqa: E402
from app.models import Judgement, User  # noqa: E402
from app.submissions.service import create_submission  # noqa: E402
from tests.factories import make_challenge  # noqa: E402
from worker.checkers.tokens import TokenChecker  # noqa: E402
from worker.languages.python3 import SYNTAX_CHECK  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TESTS = [(f"{i} {i * 7}\n", f"{i * 8}\n") for i in range(1, 21)]
PROGRAMS = {
    "python3": ("main.py", "a, b = map(int, input().split())\nprint(a + b)\n"),
    "cpp": (
        "main.cpp",
        "#include <iostream>\nint main(){long long a,b;std::cin>>a>>b;std::cout<<a+b<<'\\n';}\n",
    ),
}
# A real interpreter binary, not a shim (pyenv's wrapper alone costs more than the program).
HOST_PYTHON = shutil.which("python3", path="/usr/bin:/usr/local/bin") or sys.executable
BARE = {  # the same compile and run steps as the sandbox, straight on the host
    "python3": (
        [HOST_PYTHON, "-I", "-S", "-c", SYNTAX_CHECK, "main.py"],
        [HOST_PYTHON, "-I", "main.py"],
    ),
    "cpp": (["g++", "-std=c++20", "-O2", "-pipe", "-o", "main", "main.cpp"], ["./main"]),
}


def bare_judge(language: str, folder: Path) -> tuple[float, list[float]]:
    """Compile and run one submission on the host; (total seconds, per-test seconds)."""
    name, source = PROGRAMS[language]
    compile_argv, run_argv = BARE[language]
    started = time.perf_counter()
    (folder / name).write_text(source)
    subprocess.run(compile_argv, cwd=folder, check=True, capture_output=True)
    checker, per_test = TokenChecker({}), []
    for given, answer in TESTS:
        clock = time.perf_counter()
        done = subprocess.run(run_argv, cwd=folder, input=given.encode(), capture_output=True)
        assert checker.check(given.encode(), answer.encode(), done.stdout).accepted
        per_test.append(time.perf_counter() - clock)
    return time.perf_counter() - started, per_test


def naive_docker(language: str, folder: Path, image: str, runs: int = 5) -> float:
    """Seconds per test of a fresh `docker run --rm` per test (Python only: no compile)."""
    name, source = PROGRAMS[language]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(source)
    times = []
    for given, _ in TESTS[:runs]:
        clock = time.perf_counter()
        subprocess.run(
            ["docker", "run", "--rm", "-i", "--network", "none", "--entrypoint", "python3",
             "-v", f"{folder}:/src:ro", image, "-I", f"/src/{name}"],
            input=given.encode(), capture_output=True, check=True,
        )  # fmt: skip
        times.append(time.perf_counter() - clock)
    return statistics.median(times)


def run_batch(app, label: str, languages: list[str]) -> dict:
    """Judge a batch with a real worker; return its span and per-submission figures."""
    with app.app_context():
        user = db.session.scalar(select(User))
        challenges = {
            lang: make_challenge(tests=TESTS, slug=f"{label}-{lang}") for lang in set(languages)
        }
        begun = datetime.now(UTC).replace(tzinfo=None)  # as the models' utcnow()
        ids = [
            create_submission(user, challenges[lang], lang, PROGRAMS[lang][1]).judgements[0].id
            for lang in languages
        ]
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            db.session.remove()
            states = db.session.scalars(select(Judgement).where(Judgement.id.in_(ids))).all()
            if all(j.is_finished for j in states):
                break
            time.sleep(0.05)
        connection = app.extensions["redis"]
        job_seconds, per_test_us, per_test_wall, phases, windows = [], [], [], [], []
        for judgement in states:
            assert judgement.verdict == "AC", (judgement.id, judgement.verdict, judgement.error)
            started = Job.fetch(job_id(judgement.id, 0), connection=connection).started_at
            started = started.replace(tzinfo=None)
            windows.append((started, judgement.finished_at))
            log_data = execution_log(judgement.id) or {"tests": []}
            per_test_us += [t["judge_us"] for t in log_data["tests"]]
            per_test_wall += [t["wall_ms"] for t in log_data["tests"]]
            job_ms = (judgement.finished_at - started).total_seconds() * 1000
            job_seconds.append(job_ms / 1000)
            timings = log_data.get("timings", {})
            tests_ms = sum(t["judge_us"] for t in log_data["tests"]) / 1000
            phases.append(
                (
                    timings.get("acquire_ms", 0),
                    timings.get("compile_ms", 0),
                    tests_ms,
                    job_ms - timings.get("total_ms", 0),  # load, fetch data, record, publish
                )
            )
        # From the first submission's creation: the first dequeue and fork count, as in a queue.
        span = (max(j.finished_at for j in states) - begun).total_seconds()
        # From one verdict to the next job's start: RQ's bookkeeping, the dequeue, the hand-over.
        windows.sort()
        gaps = [(later[0] - earlier[1]).total_seconds() * 1000
                for earlier, later in itertools.pairwise(windows)]  # fmt: skip
        return {"span": span, "count": len(ids), "job_seconds": job_seconds, "gaps": gaps,
                "per_test_us": per_test_us, "per_test_wall": per_test_wall,
                "phases": phases}  # fmt: skip


def bare_round(languages: list[str], folder: Path) -> dict:
    """The same submissions judged bare, one after the other; per-language figures."""
    figures: dict[str, dict[str, list[float]]] = {}
    for language in languages:
        work = folder / language
        work.mkdir(parents=True, exist_ok=True)
        total, per_test = bare_judge(language, work)
        entry = figures.setdefault(language, {"totals": [], "tests": []})
        entry["totals"].append(total)
        entry["tests"] += per_test
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=40, help="per batch")
    parser.add_argument("--rounds", type=int, default=8,
                        help="each batch alternates this many rounds of ours and bare")  # fmt: skip
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="codedev-bench-"))
    try:
        run_benchmark(args, scratch, ensure_embedded_redis(scratch / "redis"))
    finally:  # a failed run must not leave its Redis server behind
        stop_embedded_redis(scratch / "redis")
        shutil.rmtree(scratch, ignore_errors=True)


def run_benchmark(args: argparse.Namespace, scratch: Path, redis_url: str) -> None:
    """Judge the batches with a worker on SQLite + this Redis, bare rounds between; print."""
    config = {
        "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
        "REDIS_URL": redis_url,
        "SUBMISSION_RATE_PER_MINUTE": 0,
        "BLOB_CACHE_DIR": str(scratch / "blobs"),
    }
    app = create_app(config)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.session.add(User(email="bench@example.org", role="teacher"))
        db.session.commit()
    env = {
        **os.environ,
        "DATABASE_URL": config["DATABASE_URL"],
        "REDIS_URL": redis_url,
        "CODEDEV_BLOB_CACHE_DIR": config["BLOB_CACHE_DIR"],
    }
    n, rounds = args.submissions, args.rounds
    per_round = max(1, n // rounds)
    batches = {"python3": ["python3"], "cpp": ["cpp"], "mix": ["python3", "cpp"]}
    worker_log = scratch / "worker.log"
    with open(worker_log, "ab") as stream:
        worker = subprocess.Popen(
            [sys.executable, "-m", "worker"], cwd=ROOT, env=env, stdout=stream,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    ours: dict[str, list[dict]] = {batch: [] for batch in batches}
    bare: dict[str, list[dict]] = {batch: [] for batch in batches}
    try:
        run_batch(app, "warmup", ["python3", "cpp"])  # fills the pools
        # Rounds of ours and bare alternate, so the machine's ups and downs reach both alike.
        for batch, languages in batches.items():
            for index in range(rounds):
                mix = (languages * per_round)[:per_round]
                ours[batch].append(run_batch(app, f"{batch}{index}", mix))
                bare[batch].append(bare_round(mix, scratch / "bare"))
    finally:
        os.killpg(worker.pid, 9)
        worker.wait()
    from worker.sandbox.images import image_name

    naive_per_test = naive_docker("python3", scratch / "naive", image_name("python3"))
    print(f"judge benchmark: {per_round * rounds} submissions per batch ({rounds} rounds of "
          f"{per_round}, ours and bare alternating), {len(TESTS)} tests each")  # fmt: skip
    # overhead/sub: job start to verdict minus the bare runs (compiling counts as overhead);
    # vs bare/sub: minus the bare compile too, i.e. what the judge adds to the toolchain's work.
    print(f"{'batch':<8} {'ours sub/s':>10} {'bare sub/s':>10} {'ratio':>6} "
          f"{'test ms ours':>12} {'test ms bare':>12} {'overhead/test':>13} {'overhead/sub med':>16} "
          f"{'vs bare/sub med':>15}")  # fmt: skip
    phases = {}
    for batch in batches:
        done = ours[batch]
        throughput = sum(r["count"] for r in done) / sum(r["span"] for r in done)
        totals = [t for r in bare[batch] for lang in r.values() for t in lang["totals"]]
        tests = [t for r in bare[batch] for lang in r.values() for t in lang["tests"]]
        bare_total = statistics.mean(totals)  # per submission, compile included
        bare_run = sum(tests) / len(totals)  # the programs' own run time per submission
        bare_test = statistics.median(tests)
        job_seconds = [s for r in done for s in r["job_seconds"]]
        ours_test = statistics.median([us for r in done for us in r["per_test_us"]]) / 1000
        overhead_sub = statistics.median(s - bare_run for s in job_seconds) * 1000
        beyond_bare = statistics.median(s - bare_total for s in job_seconds) * 1000
        print(
            f"{batch:<8} {throughput:>10.2f} {1 / bare_total:>10.2f} "
            f"{throughput * bare_total:>6.2f} {ours_test:>12.2f} "
            f"{bare_test * 1000:>12.2f} {ours_test - bare_test * 1000:>13.2f} "
            f"{overhead_sub:>16.1f} {beyond_bare:>15.1f}"
        )
        rows = [p for r in done for p in r["phases"]]
        phases[batch] = [statistics.median(column) for column in zip(*rows, strict=True)]
        # The program's own wall time as the runner measured it in the box, per test.
        phases[batch].append(statistics.median(w for r in done for w in r["per_test_wall"]))
        gaps = [g for r in done for g in r["gaps"]]  # none with one submission a round
        phases[batch].append(statistics.median(gaps) if gaps else float("nan"))
    print(
        "where a submission's time goes (medians, ms): acquire, compile, tests, outside the "
        "pipeline; a test's program wall time in the box; from a verdict to the next job's start"
    )
    for batch, (acquire, compiled, tests_ms, outside, wall, gap) in phases.items():
        print(f"{batch:<8} {acquire:>8.1f} {compiled:>8.1f} {tests_ms:>8.1f} {outside:>8.1f} "
              f"{wall:>8.1f} {gap:>8.1f}")  # fmt: skip
    naive_sub = 1 / (naive_per_test * len(TESTS))
    print(f"naive `docker run` per test (python3): {naive_per_test * 1000:.0f} ms/test, "
          f"{naive_sub:.2f} sub/s")  # fmt: skip


if __name__ == "__main__":
    main()
