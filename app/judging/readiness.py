"""Whether this site can judge yet: `make run` builds the sandbox images in the background.

The state lives in Redis (it is a fact about the machine, rebuilt at every start, never a
record): `make run` writes it while it builds, and the admin, authoring and solve pages read it
to say "judging is getting ready". A site whose operator built the images (production) never
writes it, so its pages say nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Flask, request
from redis import RedisError

from app.stores import get_redis

KEY = "codedev:judging:readiness"
# Pages that say when judging is not ready (blueprint names).
SHOWN_ON = frozenset({"admin", "challenges", "solve", "submissions"})


@dataclass(frozen=True)
class Readiness:
    """One moment of getting ready: state is building, ready, off or failed."""

    state: str
    message: str

    @property
    def ready(self) -> bool:
        return self.state == "ready"


def announce(state: str, message: str, app: Flask | None = None) -> Readiness:
    """Record where getting ready stands (called by `make run`)."""
    readiness = Readiness(state, message)
    get_redis(app).set(KEY, json.dumps({"state": state, "message": message}))
    return readiness


def current(app: Flask | None = None) -> Readiness | None:
    """The recorded state, or None where nothing builds images in the background."""
    raw = get_redis(app).get(KEY)
    if raw is None:
        return None
    data = json.loads(raw)  # type: ignore[arg-type]
    return Readiness(str(data.get("state", "")), str(data.get("message", "")))


def init_app(app: Flask) -> None:
    """Give the admin, authoring and solve templates `judging_readiness` (None when ready)."""

    @app.context_processor
    def _readiness() -> dict[str, Readiness | None]:
        if request.blueprint not in SHOWN_ON:
            return {"judging_readiness": None}
        try:
            readiness = current(app)
        except RedisError:  # a Redis outage must not break the page itself
            return {"judging_readiness": None}
        return {"judging_readiness": None if readiness is None or readiness.ready else readiness}
