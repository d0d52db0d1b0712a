"""Live fan-out benchmark: N WebSocket clients on one gunicorn gthread process, events published
to Redis, delivery latency p50/p95/max and the web process's RSS; then publish -> browser update.

    .venv/bin/python bench/live.py [--clients 500] [--channels 50] [--rounds 20] [--no-browser]

Uses REDIS_URL (default redis://127.0.0.1:6379/13) and a throwaway SQLite file. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
import simple_websocket

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.auth.service import create_token  # noqa: E402
from app.channels import channel_prefix  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Challenge, Judgement, Submission  # noqa: E402
from tests.app.live.wsclient import Client  # noqa: E402


def prepare(
    config: dict[str, str], users: int, channels: int
) -> tuple[list[str], list[int], str, str]:
    """Migrate, then make users (with tokens) and one submission per channel for user 0;
    also the Redis URL and the site's channel prefix."""
    from flask_migrate import upgrade

    app = create_app({"TESTING": True, **config})
    with app.app_context():
        upgrade()
        from app.auth.service import create_user

        owner = create_user("bench-owner@example.org", "bench-password-1", role="teacher")
        challenge = Challenge(slug="bench", title="Bench", published=True)
        db.session.add(challenge)
        db.session.flush()
        ids = []
        for _ in range(channels):
            submission = Submission(user_id=owner.id, challenge_id=challenge.id,
                                    language="python3", source="print(1)\n")  # fmt: skip
            db.session.add_all([submission, Judgement(submission=submission, status="judging")])
            db.session.flush()
            ids.append(submission.id)
        db.session.commit()
        tokens = [create_token(owner) for _ in range(min(users, 20))]
        redis_url = app.config["REDIS_URL"]
        prefix = channel_prefix(app)
    return tokens, ids, redis_url, prefix


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def worker_pid(master: int) -> int:
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            return int(status.parent.name)
    return master


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1200, help="gunicorn --threads")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="codedev-bench-"))
    config = {
        "SECRET_KEY": "bench-secret",
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13"),
    }
    tokens, submission_ids, redis_url, prefix = prepare(config, args.clients, args.channels)
    port = 18000 + os.getpid() % 1000
    env = {**os.environ, **config, "CODEDEV_ENV": "development"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", "1",
         "--threads", str(args.threads), "--worker-connections", str(2 * args.threads), "--bind", f"127.0.0.1:{port}", "--log-level",
         "warning", "app.wsgi:app"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(base + "/api/v1/openapi.json", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.1)
        pid = worker_pid(server.pid)
        idle_rss = rss_kb(pid)
        latencies: list[float] = []
        lock = threading.Lock()
        expected = args.rounds * (args.clients // args.channels) * args.channels
        done = threading.Event()
        clients = []

        def reader(ws: Client) -> None:
            while True:
                try:
                    raw = ws.receive(timeout=30)
                except simple_websocket.ConnectionClosed:
                    return
                if raw is None:
                    return
                now = time.time()
                frame = json.loads(raw)
                if "sent" in frame:
                    with lock:
                        latencies.append((now - frame["sent"]) * 1000)
                        if len(latencies) >= expected:
                            done.set()

        started = time.monotonic()
        per_channel = args.clients // args.channels
        for index in range(per_channel * args.channels):
            sid = submission_ids[index % args.channels]
            ws = Client.connect(
                f"ws://127.0.0.1:{port}/ws/submissions/{sid}",
                headers={"Authorization": f"Bearer {tokens[index % len(tokens)]}"},
            )
            raw = ws.receive(timeout=30)
            if raw is None:
                raise SystemExit(f"client {index}: no state frame (server overloaded?)")
            assert json.loads(raw)["type"] == "submission.state"
            clients.append(ws)
            threading.Thread(target=reader, args=(ws,), daemon=True).start()
        connect_s = time.monotonic() - started
        connected_rss = rss_kb(pid)

        import redis

        publisher = redis.Redis.from_url(redis_url)
        for round_number in range(args.rounds):
            for sid in submission_ids:
                event = {"type": "submission.test", "position": round_number + 1,
                         "verdict": "AC", "sent": time.time()}  # fmt: skip
                publisher.publish(f"{prefix}submission:{sid}", json.dumps(event))
            time.sleep(0.05)
        done.wait(60)
        print(f"clients: {len(clients)} on {args.channels} channels, one gunicorn gthread "
              f"process (--threads {args.threads}); connected in {connect_s:.1f} s")  # fmt: skip
        print(f"events: {args.rounds * args.channels} published, {len(latencies)} of "
              f"{expected} frames delivered")  # fmt: skip
        if latencies:
            print(f"delivery latency ms: p50 {statistics.median(latencies):.1f}  "
                  f"p95 {percentile(latencies, 0.95):.1f}  max {max(latencies):.1f}")  # fmt: skip
        print(f"web process RSS: idle {idle_rss / 1024:.0f} MiB, with clients "
              f"{connected_rss / 1024:.0f} MiB, after events {rss_kb(pid) / 1024:.0f} MiB")  # fmt: skip
        for ws in clients:
            ws.close()
        if not args.no_browser:
            browser_latency(base, submission_ids[0], publisher, f"{prefix}submission:")
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)  # gunicorn drains its threads first
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


BROWSER_JS = """(sid) => new Promise((ready) => {
  window.__lat = [];
  const box = document.createElement('pre');
  document.body.append(box);
  const ws = new WebSocket(`ws://${location.host}/ws/submissions/${sid}`);
  ws.onmessage = (message) => {
    const frame = JSON.parse(message.data);
    if (frame.type === 'submission.state') { ready(true); return; }
    box.textContent = `test ${frame.position}: ${frame.verdict}`;
    requestAnimationFrame(() => window.__lat.push(Date.now() - frame.sent * 1000));
  };
})"""


def browser_latency(base: str, submission_id: int, publisher: object, channels: str) -> None:
    """Publish -> DOM updated and painted in headless Chromium, over the session cookie."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox"])  # fmt: skip
        page = browser.new_page()
        page.goto(base + "/auth/login")
        page.fill("input[name=email]", "bench-owner@example.org")
        page.fill("input[name=password]", "bench-password-1")
        page.click("form button[type=submit]")
        page.wait_for_url(lambda url: "/auth/login" not in url)
        page.evaluate(BROWSER_JS, submission_id)
        for position in range(1, 51):
            event = {"type": "submission.test", "position": position, "verdict": "AC",
                     "sent": time.time()}  # fmt: skip
            publisher.publish(f"{channels}{submission_id}", json.dumps(event))  # type: ignore[attr-defined]
            time.sleep(0.05)
        page.wait_for_function("window.__lat.length >= 50", timeout=30000)
        values = page.evaluate("window.__lat")
        print(f"publish -> browser DOM update + paint ms (50 events): p50 "
              f"{statistics.median(values):.1f}  p95 {percentile(values, 0.95):.1f}  "
              f"max {max(values):.1f}")  # fmt: skip
        browser.close()


if __name__ == "__main__":
    main()
