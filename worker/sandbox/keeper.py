"""The pool keeper: a thread of the worker process that refills a warm pool as soon as it is used.

Work horses claim containers; starting their replacements is the keeper's job, so no judgement
waits for a container start or removal. It follows Docker's events for this host's sandboxes:
a claim (rename to ...-busy-...), a box started busy because the pool was empty, or the death of
a warm container refills that language.
Work horses forked from a process with a keeper leave refilling to it (pool.kept).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable
from typing import Any

from docker.errors import DockerException

from worker.languages import LANGUAGES
from worker.sandbox import pool
from worker.sandbox.api import SandboxError
from worker.sandbox.engine import LABEL, get_client, host_name

log = logging.getLogger(__name__)
RETRY_S = 5.0  # wait after losing the engine before following its events again


def start(languages: Iterable[str] | None = None) -> threading.Thread:
    """Start the keeper thread of this process (daemon: it dies with the worker)."""
    thread = threading.Thread(
        target=_keep, args=(tuple(languages or LANGUAGES),), name="sandbox pool keeper", daemon=True
    )
    pool.kept_by(os.getpid())
    thread.start()
    return thread


def _keep(languages: tuple[str, ...]) -> None:
    while True:
        try:
            for language_id in pool.in_use(languages):  # pools used before a restart are kept warm
                _refill(language_id)
            _follow(languages)
        except (DockerException, SandboxError) as error:
            log.warning("sandbox pool keeper lost the engine (%s); retrying", error)
        except Exception:  # never let the thread die: refilling is what keeps judging fast
            log.exception("sandbox pool keeper failed; retrying")
        time.sleep(RETRY_S)


def _follow(languages: tuple[str, ...]) -> None:
    """Refill on every claim or warm death of this host's sandboxes, until the stream ends."""
    labels = [f"{LABEL}=1", f"codedev.host={host_name()}"]
    events = get_client().events(
        decode=True,
        filters={"type": "container", "event": ["rename", "create", "die"], "label": labels},
    )
    for event in events:
        language_id = _refill_for(event)
        if language_id in languages:
            _refill(language_id)


def _refill_for(event: dict[str, Any]) -> str | None:
    """The language whose pool an event shrank or found empty: a claim, a box created busy (no
    warm one was left), or a warm container that died."""
    attributes = event.get("Actor", {}).get("Attributes", {})
    busy = "-busy-" in str(attributes.get("name", ""))
    action = event.get("Action")
    if (action in ("rename", "create") and busy) or (action == "die" and not busy):
        return str(attributes.get("codedev.language", "")) or None
    return None


def _refill(language_id: str) -> None:
    try:
        pool.replenish(language_id)
    except (DockerException, SandboxError) as error:
        log.warning("could not refill the %s pool: %s", language_id, error)
