"""Connections to Redis (queues, events, rate limits) and MongoDB, one per app; retrying the
SQL transactions that are safe to repeat while the database comes back."""

from __future__ import annotations

import contextlib
import logging
import random
import sqlite3
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from flask import Flask, current_app
from psycopg.errors import IdleInTransactionSessionTimeout
from rq import Queue
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, scoped_session

from app.errors import Contended
from app.extensions import db

QUEUE_NAMES = ("judge", "default", "mail", "maintenance")
MAX_BACKOFF_S = 5.0
log = logging.getLogger(__name__)
T = TypeVar("T")


def init_app(app: Flask) -> None:
    """Create the Redis client once per app; every process builds its own."""
    app.extensions["redis"] = redis.Redis.from_url(app.config["REDIS_URL"])
    app.extensions["mongo"] = None
    if app.config.get("MONGO_URL"):
        import pymongo  # only when configured: most installs have no MongoDB

        app.extensions["mongo"] = pymongo.MongoClient(app.config["MONGO_URL"], tz_aware=True)


def get_redis(app: Flask | None = None) -> redis.Redis:
    """The app's Redis client."""
    return (app or current_app).extensions["redis"]


def get_mongo(app: Flask | None = None) -> Any:
    """The app's MongoDB client, or None when MONGO_URL is not set."""
    return (app or current_app).extensions["mongo"]


def get_queue(name: str, app: Flask | None = None) -> Queue:
    """One of the RQ queues named by purpose: judge, default, mail, maintenance."""
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}")
    return Queue(name, connection=get_redis(app))


def take_from_window(key: str, limit: int, seconds: int = 60) -> bool:
    """Count one use under key in a sliding window of Redis; False (and not counted) when
    limit uses already fell in the last `seconds`. The one rate limiter of the services."""
    now = time.time()
    member = f"{now}:{uuid.uuid4().hex}"
    pipe = get_redis().pipeline(transaction=True)
    pipe.zremrangebyscore(key, 0, now - seconds)
    pipe.zcard(key)
    pipe.zadd(key, {member: now})
    pipe.expire(key, seconds + 1)
    _, recent, _, _ = pipe.execute()
    if recent >= limit:
        get_redis().zrem(key, member)  # a refused try does not count against the next window
        return False
    return True


def bound_lock_holding(session: Session | None = None) -> None:
    """Call first in a transaction that takes row locks: should its process freeze while it
    holds them (a paused VM, a SIGSTOP), PostgreSQL ends the session after DB_LOCK_IDLE_SECONDS
    idle, and the locks with it, instead of every other worker waiting on them for ever.
    Only this transaction is bounded (SET LOCAL); SQLite takes no row locks."""
    on: Session | scoped_session[Any] = session or db.session
    if on.get_bind().dialect.name != "postgresql":
        return
    seconds = int(current_app.config.get("DB_LOCK_IDLE_SECONDS", 30))
    on.execute(text(f"SET LOCAL idle_in_transaction_session_timeout = '{seconds}s'"))


def store_down(error: BaseException) -> bool:
    """Whether an error means a store is unreachable or busy (a retry may cure it), not a bug."""
    if isinstance(error, redis.ConnectionError | redis.TimeoutError):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(getattr(error, "orig", None), IdleInTransactionSessionTimeout):
        return True  # the server ended a session left idle holding locks (bound_lock_holding)
    if isinstance(error, OperationalError):
        if isinstance(error.orig, sqlite3.OperationalError):  # a missing table is no outage
            return any(word in str(error.orig) for word in ("locked", "busy", "unable to open"))
        return True  # psycopg: refused, terminated, shutting down, too many clients
    return False


def retry_transaction(work: Callable[[], T], *, attempts: int | None = None) -> T:
    """Run work (one whole transaction, committed inside it, that is safe to repeat), again
    with backoff while the database is down or busy, or when a racing transaction changed a
    row it read (Contended: run afresh, it reads the new state); the last error is raised."""
    tries = attempts or int(current_app.config.get("DB_RETRY_ATTEMPTS", 8))
    for attempt in range(1, tries + 1):
        try:
            return work()
        except Contended as error:
            with contextlib.suppress(SQLAlchemyError):
                db.session.rollback()
            if attempt >= tries:
                raise
            log.info("%s; try %s of %s", error.message, attempt + 1, tries)
            time.sleep(random.uniform(0.0, 0.05 * attempt))  # apart from the racing one
        except SQLAlchemyError as error:
            with contextlib.suppress(SQLAlchemyError):
                db.session.rollback()
            if attempt >= tries or not store_down(error):
                raise
            delay = min(MAX_BACKOFF_S, 0.1 * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)
            log.warning(
                "database unavailable (%s); try %s of %s in %.1f s",
                type(getattr(error, "orig", None) or error).__name__,
                attempt + 1,
                tries,
                delay,
            )
            time.sleep(delay)
    raise AssertionError("unreachable")  # the loop returns or raises
