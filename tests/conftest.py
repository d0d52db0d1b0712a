"""Fixtures: app (once per store pair), client, runner, auth and form helpers."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, g, request_started
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.stores import get_redis
from tests.stacks import Stack, missing, start_postgres_stack, start_sqlite_stack

# Fixtures for browser tests (live_server, chromium, page) live in tests/live.py; MongoDB's
# marker and fixture in tests/support/mongo.py.
pytest_plugins = ["tests.live", "tests.support.mongo"]

STACKS = ("sqlite", "postgres")
# Test sessions running at once on one Redis server keep their live events apart (pub/sub
# ignores database numbers); the apps, workers and web processes of a session inherit it.
os.environ.setdefault("CODEDEV_LIVE_CHANNEL_PREFIX", f"test-{os.getpid()}:")
PASSWORD = "correct-horse-9"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Docker and browser tests run on one store pair (PostgreSQL + Redis), not both."""
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        heavy = item.get_closest_marker("docker") or item.get_closest_marker("browser")
        if heavy and callspec is not None and callspec.params.get("stack") == "sqlite":
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        items[:] = keep


# Building the five images on a new machine takes minutes: the first test that needs them may
# take that long (every later one finds them built).
IMAGE_BUILD_TIMEOUT_S = 3600


def pytest_collection_finish(session: pytest.Session) -> None:
    """Give the first Docker test the time a build of every image takes."""
    first = next((item for item in session.items if item.get_closest_marker("docker")), None)
    if first is not None:
        first.add_marker(pytest.mark.timeout(IMAGE_BUILD_TIMEOUT_S))


@pytest.fixture(scope="session")
def sandbox_images(pytestconfig: pytest.Config) -> None:
    """Every language image, built (or found current) once per session, for every Docker test."""
    from worker.sandbox import ServiceUnavailable, ensure_images

    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")

    def say(line: str) -> None:
        """Progress on the terminal as it happens (a first build takes minutes)."""
        if reporter is None or capture is None:
            return
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"sandbox images: {line}")

    try:
        ensure_images(say=say)
    except ServiceUnavailable as error:
        missing(str(error))


@pytest.fixture(autouse=True)
def _docker_tests_get_images(request: pytest.FixtureRequest) -> None:
    """A test marked `docker` gets the sandbox images, wherever it lives."""
    if request.node.get_closest_marker("docker"):
        request.getfixturevalue("sandbox_images")


@pytest.fixture(scope="session", params=STACKS)
def stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """A migrated database and a Redis, per store pair, for the whole session."""
    if request.param == "postgres":
        created, stop = start_postgres_stack()
    else:
        created, stop = start_sqlite_stack(tmp_path_factory.mktemp("sqlite-stack"))
    app = create_app(config_for(created))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    try:
        yield created
    finally:
        stop()  # type: ignore[operator]


def config_for(stack: Stack, **overrides: Any) -> dict[str, Any]:
    """The test configuration of an app on this store pair."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": stack.database_url,
        "REDIS_URL": stack.redis_url,
        "SERVER_NAME": "localhost",
        **overrides,
    }


def _empty(app: Flask) -> None:
    """Delete every row and every Redis key so the next test starts clean."""
    with app.app_context():
        db.session.remove()
        tables = [table.name for table in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                quoted = ", ".join(f'"{name}"' for name in tables)
                connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
            else:
                for name in tables:
                    connection.execute(text(f'DELETE FROM "{name}"'))
        get_redis(app).flushdb()
        db.engine.dispose()


def _fresh_g(sender: Flask, **extra: Any) -> None:
    """Forget what the last request left in `g`, as a real request's fresh app context does.

    Requests inside the test's app context share its `g`, so flask-login's cached user and
    flask-wtf's CSRF token would otherwise leak from one test client to the next.
    """
    for name in list(vars(g)):
        delattr(g, name)


@pytest.fixture
def app(stack: Stack) -> Iterator[Flask]:
    """An app on the current store pair with empty tables."""
    application = create_app(config_for(stack))
    _empty(application)
    request_started.connect(_fresh_g, application)
    with application.app_context():
        yield application
        db.session.remove()
    _empty(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, page: str) -> str:
    """The CSRF token of the form on page (the session keeps it)."""
    html = client.get(page).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1) or match.group(2)


def submit(
    client: FlaskClient, url: str, data: dict[str, Any], *, page: str | None = None, **kw: Any
):
    """POST a form the way a browser does: with the CSRF token from its page."""
    payload = {"csrf_token": csrf_token(client, page or url), **data}
    return client.post(url, data=payload, **kw)


class AuthActions:
    """Log a test client in and out through the real forms."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = PASSWORD):
        return submit(self._client, "/auth/login", {"email": email, "password": password})

    def logout(self):
        return submit(self._client, "/auth/logout", {}, page="/dashboard")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)



class Mailbox:
    """Mails written to the `codedev.mail` log (no MAIL_SERVER in tests), oldest first: reading
    it first sends what waits on queue `mail`, as a worker would (the job's own code)."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self._caplog = caplog

    def deliver_queued(self) -> None:
        """Run every job waiting on queue `mail` (deliveries, and fan-outs that add more)."""
        from app.stores import get_queue

        queue = get_queue("mail")
        while jobs := queue.get_jobs():
            for job in jobs:
                job.perform()
                job.delete()

    @property
    def messages(self) -> list[dict[str, str]]:
        self.deliver_queued()
        found = []
        for record in self._caplog.records:
            if record.name != "codedev.mail" or "\nTo: " not in record.getMessage():
                continue
            head, _, body = record.getMessage().partition("\n\n")
            fields = dict(line.split(": ", 1) for line in head.splitlines()[1:])
            found.append({"to": fields["To"], "subject": fields["Subject"], "body": body})
        return found

    def last_link(self, to: str | None = None) -> str:
        """The path of the last link mailed (to one address), e.g. /auth/reset/<token>."""
        for message in reversed(self.messages):
            if to is None or message["to"] == to:
                match = re.search(r"https?://\S+", message["body"])
                if match:
                    return urlsplit(match.group(0)).path
        raise AssertionError(f"no link mailed to {to or 'anyone'}")


@pytest.fixture
def mailbox(caplog: pytest.LogCaptureFixture) -> Mailbox:
    caplog.set_level(logging.INFO, logger="codedev.mail")
    return Mailbox(caplog)
