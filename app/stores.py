"""Connections to Redis (queues, events, rate limits) and MongoDB, one per app."""

from __future__ import annotations

from typing import Any

import redis
from flask import Flask, current_app
from rq import Queue

QUEUE_NAMES = ("judge", "default", "maintenance")


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
    """One of the RQ queues named by purpose: judge, default, maintenance."""
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}")
    return Queue(name, connection=get_redis(app))
