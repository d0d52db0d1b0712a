"""`make run` on embedded stores: judging gets ready by itself, the worker is supervised, Ctrl-C
stops everything it started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests

from app import create_app
from app.auth.service import create_token
from app.extensions import db
from app.submissions.service import create_submission
from tests.factories import make_challenge, make_user
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "a, b = map(int, input().split())\nprint(a + b)\n"
pytestmark = pytest.mark.docker


class Console:
    """The lines `make run` printed so far, read by a thread."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, fragment: str, timeout: float = 120) -> int:
        """The index of the first line holding fragment (fails after timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for index, line in enumerate(list(self.lines)):
                if fragment in line:
                    return index
            time.sleep(0.1)
        raise AssertionError(f"no line with {fragment!r} in:\n" + "\n".join(self.lines))


def _docker(*args: str) -> str:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def prefix(sandbox_images: None) -> Iterator[str]:
    """An image prefix of this test's own with every image but python3's already there.

    The tags point at the session's images (and base), so building the one missing image hits
    Docker's build cache: the test sees a real build without paying for one.
    """
    name = f"codedev-devtest{os.getpid()}"
    for line in _docker("images", "--format", "{{.Repository}}:{{.Tag}}").split():
        repository, _, tag = line.partition(":")
        if not repository.startswith("codedev-sandbox") or repository.endswith("python3"):
            continue
        _docker("tag", line, f"{name}{repository[len('codedev-sandbox'):]}:{tag}")
    yield name
    containers = _docker("ps", "-aq", "--filter", f"label=codedev.image-prefix={name}").split()
    for line in _docker("images", "--format", "{{.Repository}}:{{.Tag}}").split():
        if line.startswith(name):
            containers += _docker("ps", "-aq", "--filter", f"ancestor={line}").split()
    if containers:
        subprocess.run(["docker", "rm", "-f", *set(containers)], capture_output=True)
    for line in _docker("images", "--format", "{{.Repository}}:{{.Tag}}").split():
        if line.startswith(name):
            subprocess.run(["docker", "rmi", "-f", line], capture_output=True)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found += [int(child) for child in children]
    return found


def _worker_pid(devserver: int) -> int | None:
    for child in _children(devserver):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except FileNotFoundError:
            continue
        if b"worker" in command and b"-m" in command:
            return child
    return None


def _verdict(base: str, headers: dict[str, str], submission_id: int, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = requests.get(
            f"{base}/api/v1/submissions/{submission_id}", headers=headers, timeout=10
        ).json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.25)
    raise AssertionError(f"submission {submission_id} not judged in {timeout} s: {body}")


def test_make_run_gets_judging_ready_and_supervises_its_worker(tmp_path, prefix):
    instance = tmp_path / "instance"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "CODEDEV_TEST_PG_URL")
    }
    port = free_port()
    env |= {
        "CODEDEV_INSTANCE_PATH": str(instance),
        "CODEDEV_PORT": str(port),
        "CODEDEV_SANDBOX_IMAGE_PREFIX": prefix,
        "CODEDEV_SANDBOX_POOL_SIZE": "1",
        "FLASK_APP": "app",
    }
    # A submission made before `make run` and its images: it must wait, then be judged.
    os.environ["CODEDEV_INSTANCE_PATH"] = str(instance)
    try:
        early_app = create_app()
    finally:
        del os.environ["CODEDEV_INSTANCE_PATH"]
    with early_app.app_context():
        from flask_migrate import upgrade

        upgrade()
        student = make_user()
        challenge = make_challenge([("1 2\n", "3\n"), ("40 2\n", "42\n")])
        token = create_token(student)
        early = create_submission(student, challenge, "python3", SOURCE).id
        slug = challenge.slug
        redis_url = early_app.config["REDIS_URL"]
        db.session.remove()
        db.engine.dispose()

    process = subprocess.Popen(
        [sys.executable, "-m", "app.devserver"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    console = Console(process)
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"}
    try:
        url_line = console.wait_for("codedev is running at")
        # The URL is printed once the server accepts connections: the first click works.
        assert requests.get(base + "/", timeout=10).status_code == 200
        building = console.wait_for("judging: building the python3 image (1 of 1)")
        ready = console.wait_for("judging: ready", timeout=600)
        assert url_line < building < ready

        assert _verdict(base, headers, early)["verdict"] == "AC"
        response = requests.post(
            f"{base}/api/v1/submissions",
            json={"challenge": slug, "language": "python3", "source": SOURCE},
            headers=headers,
            timeout=10,
        )
        assert response.status_code == 201, response.text
        assert _verdict(base, headers, response.json()["id"])["verdict"] == "AC"

        # A dead worker is replaced, with a line in the console, and judging goes on.
        worker = _worker_pid(process.pid)
        assert worker is not None, console.lines
        os.kill(worker, signal.SIGKILL)
        console.wait_for("worker: exited with code -9")
        response = requests.post(
            f"{base}/api/v1/submissions",
            json={"challenge": slug, "language": "python3", "source": SOURCE},
            headers=headers,
            timeout=10,
        )
        assert _verdict(base, headers, response.json()["id"])["verdict"] == "AC"
    except AssertionError:
        print("\n".join(console.lines))
        raise
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    # Ctrl-C stopped everything it started: the web, the worker and the embedded Redis (saved).
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(redis_url, socket_connect_timeout=1).ping()
    assert (instance / "redis" / "redis.rdb").exists()
    with pytest.raises(requests.ConnectionError):
        requests.get(base + "/", timeout=5)
