"""Separate web processes (gunicorn gthread, as in production) sharing the test's stores."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from flask import Flask

from tests.support.polling import wait_for
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parent.parent


def build() -> Flask:
    """The app factory gunicorn calls in each child: the test config from the environment."""
    from app import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": os.environ["CODEDEV_TEST_SECRET"],
            "DATABASE_URL": os.environ["CODEDEV_TEST_DATABASE_URL"],
            "REDIS_URL": os.environ["CODEDEV_TEST_REDIS"],
        }
    )


@contextmanager
def web_process(app: Flask, threads: int = 32, log: Path | None = None) -> Iterator[str]:
    """One gunicorn process serving the app's stores on a free port; yields its base URL
    (its output goes to log when given: a store outage makes it write many tracebacks)."""
    port = free_port()
    env = {
        **os.environ,
        "CODEDEV_TEST_SECRET": app.config["SECRET_KEY"],
        "CODEDEV_TEST_DATABASE_URL": app.config["DATABASE_URL"],
        "CODEDEV_TEST_REDIS": app.config["REDIS_URL"],
    }
    command = [
        sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", "1",
        "--threads", str(threads), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
        "tests.webproc:build()",
    ]  # fmt: skip
    stream = open(log, "ab") if log is not None else None  # noqa: SIM115 (closed below)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stream, stderr=stream)
    url = f"http://127.0.0.1:{port}"

    def serving() -> bool:
        assert process.poll() is None, f"gunicorn exited with {process.returncode}"
        try:
            requests.get(url + "/api/v1/openapi.json", timeout=10)
        except requests.RequestException:
            return False
        return True

    try:
        wait_for(serving, 60, "gunicorn to serve")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if stream is not None:
            stream.close()
