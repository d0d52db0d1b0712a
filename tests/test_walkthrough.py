"""The first afternoon, end to end: `make run`'s server, its printed admin, a teacher, a course, a student."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.embedded import stop_embedded_redis
from tests.live import SCREENSHOTS
from tests.support.polling import wait_for
from tests.support.ports import accepts_connections, free_port

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def devserver(tmp_path: Path) -> Iterator[dict[str, str]]:
    """What `make run` starts (app.devserver) on a fresh instance folder; yields URL and login."""
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "SENTRY_DSN")
    }
    env.update(CODEDEV_INSTANCE_PATH=str(tmp_path / "instance"), CODEDEV_PORT=str(port))
    log = (tmp_path / "devserver.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.devserver"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def up() -> tuple[re.Match[str], re.Match[str]] | None:
        printed = (tmp_path / "devserver.log").read_text()
        login = re.search(r"admin login:\s+(\S+)\s+/\s+(\S+)", printed)
        url = re.search(r"running at\s+(http://\S+)", printed)
        assert process.poll() is None, f"make run's server exited:\n{printed}"
        return (url, login) if login and url and accepts_connections(port) else None

    try:
        url, login = wait_for(up, 60, "make run's server")  # migrations and start-up
        yield {"url": url.group(1).rstrip("/"), "email": login.group(1), "password": login.group(2)}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        stop_embedded_redis(tmp_path / "instance" / "redis")
        log.close()


def _log_in(page, url: str, email: str, password: str) -> None:
    page.goto(f"{url}/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{url}/dashboard")


def _log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    # Wait for the logout to land: a log-in started before it would find the old session.
    expect(page.get_by_text("You are logged out.")).to_be_visible()


def test_admin_teacher_course_student(devserver, page):
    url = devserver["url"]
    # The admin printed by make run logs in and creates a teacher.
    _log_in(page, url, devserver["email"], devserver["password"])
    page.goto(f"{url}/admin/users")
    form = page.locator("form", has=page.get_by_role("button", name="Create user"))
    form.get_by_label("Email").fill("grace@school.example")
    form.get_by_label("Name").fill("Grace Hopper")
    form.get_by_label("Role").select_option("teacher")
    form.get_by_label("Password").fill("teacher-pass-1")
    form.get_by_role("button", name="Create user").click()
    expect(page.get_by_text("grace@school.example").first).to_be_visible()
    _log_out(page)

    # The teacher creates a course and reads its join code.
    _log_in(page, url, "grace@school.example", "teacher-pass-1")
    page.get_by_role("link", name="New course").click()
    page.get_by_label("Name").fill("Algorithms 101")
    page.get_by_role("button", name="Create course").click()
    code = page.locator("#join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9-]{6,16}", code), code
    _log_out(page)

    # A student signs up and joins with the code.
    page.goto(f"{url}/auth/signup")
    page.get_by_label("Email").fill("ada@school.example")
    page.get_by_label("Name").fill("Ada Lovelace")
    page.get_by_label("Password", exact=True).fill("student-pass-1")
    page.get_by_label("Repeat the password").fill("student-pass-1")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Welcome to codedev!")).to_be_visible()
    page.goto(f"{url}/courses/join")
    page.get_by_label("Join code").fill(code.lower())
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("Welcome to Algorithms 101!")).to_be_visible()
    page.goto(f"{url}/dashboard")
    expect(page.locator("#taking").get_by_text("Algorithms 101")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "walkthrough-student-dashboard.png"), full_page=True)

    # The teacher sees the student on the roster.
    _log_out(page)
    _log_in(page, url, "grace@school.example", "teacher-pass-1")
    page.get_by_role("link", name="Algorithms 101").click()
    expect(page.get_by_text("ada@school.example")).to_be_visible()
