"""`make run`: migrate, make sure an admin exists, start the web app and a supervised worker.

Judging gets ready in the background: missing or outdated sandbox images are built while the
pages already work. Until they are built the worker listens only on the queues that need no
sandbox, so a submission made meanwhile waits in the judge queue (never an IE) and is judged
once the images are there. If the worker dies it is started again, with a line in the console.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import redis
from flask import Flask
from flask_migrate import upgrade

from app import create_app
from app.auth import service as accounts
from app.extensions import db
from app.judging import readiness
from app.stores import QUEUE_NAMES

ADMIN_EMAIL = "admin@codedev.local"
# Queues a worker serves while no sandbox can run: everything but judging and validation.
NO_SANDBOX_QUEUES = tuple(name for name in QUEUE_NAMES if name not in ("judge", "default"))
RESTART_BACKOFF_S = (1, 2, 5, 10, 30)  # waits before restarting a worker that keeps dying


def _ensure_admin(instance: Path) -> tuple[str, str]:
    """Create the first admin once; its initial password is kept in instance/ for re-printing."""
    login_file = instance / "admin-login.txt"
    if accounts.find_user(ADMIN_EMAIL) is None:
        password = secrets.token_urlsafe(12)
        accounts.create_user(ADMIN_EMAIL, password, role="admin", name="Admin")
        login_file.write_text(password + "\n")
        login_file.chmod(0o600)
    password = (
        login_file.read_text().strip() if login_file.exists() else "(changed since first run)"
    )
    return ADMIN_EMAIL, password


def say(line: str) -> None:
    """One line in the console of `make run`."""
    print(f"  {line}", flush=True)


class Judging:
    """Gets judging ready (builds images in a thread) and says how it goes."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self.ready = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        """Check the engine and the images; build what is missing in the background."""
        from app.judging import runner

        try:
            missing = runner.missing_images()
        except runner.SandboxUnavailable as error:
            self._announce(
                "off",
                f"no Docker engine on this machine ({error}); install it with `make system-deps`."
                " Pages work; submissions wait until judging is ready.",
            )
            return
        if not missing:
            self._announce("ready", "ready (Docker sandbox images are current)")
            self.ready.set()
            return
        self._announce("building", f"building {len(missing)} sandbox image(s) in the background")
        self.thread = threading.Thread(
            target=self._build, args=(missing,), name="sandbox images", daemon=True
        )
        self.thread.start()

    def _build(self, missing: list[str]) -> None:
        from app.judging import runner

        try:
            for number, language_id in enumerate(missing, start=1):
                self._announce(
                    "building", f"building the {language_id} image ({number} of {len(missing)})"
                )
                runner.build_images([language_id])
        except Exception as error:  # noqa: BLE001  (any build failure: say it, keep the site up)
            first = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            self._announce(
                "failed", f"building the sandbox images failed: {first}; retry: make sandbox-images"
            )
            return
        self._announce("ready", "ready")
        self.ready.set()

    def _announce(self, state: str, message: str) -> None:
        say(f"judging: {message}")
        with contextlib.suppress(redis.RedisError):
            readiness.announce(state, message, self._app)


class Supervisor:
    """Keeps one worker process running: the judging one once judging is ready."""

    def __init__(self, env: dict[str, str], judging: Judging) -> None:
        self._env = env
        self._judging = judging
        self.process: subprocess.Popen[bytes] | None = None
        self._judges = False
        self._failures = 0

    def _start(self) -> None:
        self._judges = self._judging.ready.is_set()
        queues = QUEUE_NAMES if self._judges else NO_SANDBOX_QUEUES
        command = [sys.executable, "-m", "worker", f"--queues={','.join(queues)}"]
        self.process = subprocess.Popen(command, env=self._env)
        self._started_at = time.monotonic()

    def tick(self) -> None:
        """Start, restart or switch the worker as needed (called twice a second)."""
        if self.process is None:
            self._start()
            return
        code = self.process.poll()
        if code is None:
            if self._judging.ready.is_set() and not self._judges:
                self.stop()  # judging became ready: the next worker takes the judge queue
                self._start()
            return
        if time.monotonic() - self._started_at > 60:
            self._failures = 0  # it ran a good while: this is a fresh failure, not a loop
        wait = RESTART_BACKOFF_S[min(self._failures, len(RESTART_BACKOFF_S) - 1)]
        self._failures += 1
        say(f"worker: exited with code {code}; starting a new one in {wait} s")
        time.sleep(wait)
        self._start()

    def stop(self) -> None:
        """Stop the worker (RQ finishes its current job on SIGTERM, then exits)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def _wait_until_listening(host: str, port: int, web: subprocess.Popen[bytes]) -> bool:
    """Wait until the web server accepts connections (False if it exited first)."""
    while web.poll() is None:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return True
        time.sleep(0.1)
    return False


def _stop_embedded_redis(app: Flask) -> None:
    """Save and stop the embedded Redis that this run started (never a configured one)."""
    embedded = f"unix://{Path(app.instance_path) / 'redis' / 'redis.sock'}"
    if app.config["REDIS_URL"] != embedded:
        return
    with contextlib.suppress(redis.RedisError):
        redis.Redis.from_url(app.config["REDIS_URL"]).shutdown(save=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """Prepare the embedded stores, then run web + worker until Ctrl-C; stop all it started."""
    host = os.environ.get("CODEDEV_HOST", "127.0.0.1")
    port = int(os.environ.get("CODEDEV_PORT", "5000"))
    app = create_app()
    with app.app_context():
        upgrade()
        email, password = _ensure_admin(Path(app.instance_path))
        db.session.remove()
    env = {**os.environ, "REDIS_URL": app.config["REDIS_URL"]}
    judging = Judging(app)
    supervisor = Supervisor(env, judging)
    # make run stops on Ctrl-C (SIGINT) or a plain kill (SIGTERM): take every child down.
    signal.signal(signal.SIGTERM, _interrupt)
    web = subprocess.Popen(
        [sys.executable, "-m", "flask", "run", "--host", host, "--port", str(port), "--no-reload"],
        env=env,
    )
    try:
        if _wait_until_listening(host, port, web):
            print(f"\n  codedev is running at  http://{host}:{port}/")
            print(f"  admin login:           {email}  /  {password}\n", flush=True)
        judging.start()
        while web.poll() is None:
            supervisor.tick()
            time.sleep(0.5)
        say(f"web: exited with code {web.returncode}; stopping")
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup
        if web.poll() is None:
            web.send_signal(signal.SIGTERM)
        supervisor.stop()
        with contextlib.suppress(subprocess.TimeoutExpired):
            web.wait(timeout=15)
        _stop_embedded_redis(app)


if __name__ == "__main__":
    main()
