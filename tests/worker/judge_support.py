"""Helpers of the Docker judge tests: the engine check, case problems, events, containers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.models import Challenge
from tests.factories import make_challenge
from tests.stacks import missing

CASES = Path(__file__).parent / "cases"


def require_sandbox() -> None:
    """Docker and the language images, or fail in CI / skip elsewhere."""
    try:
        from worker.sandbox.api import ServiceUnavailable
        from worker.sandbox.engine import get_client
    except ImportError as error:  # the sandbox package is not installed yet
        missing(f"sandbox package: {error}")
        return
    try:
        get_client()
    except ServiceUnavailable as error:
        missing(str(error))


def discover_cases() -> list[Any]:
    """(problem, language, verdict, file) for every program under cases/<problem>/<lang>_<verdict>/."""
    found = []
    for problem in sorted(p for p in CASES.iterdir() if p.is_dir()):
        for folder in sorted(f for f in problem.iterdir() if f.is_dir()):
            language, _, verdict = folder.name.rpartition("_")
            for program in sorted(folder.iterdir()):
                found.append(
                    pytest.param(
                        problem.name,
                        language,
                        verdict,
                        program,
                        id=f"{problem.name}/{folder.name}/{program.name}",
                    )  # fmt: skip
                )
    return found


def case_challenge(problem: str) -> Challenge:
    """The challenge described by cases/<problem>/problem.json."""
    spec = json.loads((CASES / problem / "problem.json").read_text())
    return make_challenge(
        tests=[tuple(pair) for pair in spec["tests"]],
        slug=problem,
        time_limit_ms=spec["time_limit_ms"],
        memory_limit_mb=spec["memory_limit_mb"],
        output_limit_kb=spec["output_limit_kb"],
        checker=spec.get("checker", "tokens"),
        checker_options=spec.get("checker_options", {}),
    )


def collect_events(pubsub: Any, until: str = "submission.done", timeout: float = 120) -> list[dict]:
    """Events from a subscribed channel up to (and including) one of type `until`."""
    events: list[dict] = []
    for _ in range(int(timeout * 10)):
        message = pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
        if message is None:
            continue
        event = json.loads(message["data"])
        events.append(event)
        if event["type"] == until:
            return events
    raise AssertionError(f"no {until} event; got {[e['type'] for e in events]}")
