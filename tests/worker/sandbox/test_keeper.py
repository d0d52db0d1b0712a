"""The pool keeper refills the pool a claim or a warm death shrank; horses leave it to the keeper."""

from __future__ import annotations

import os

from worker.sandbox import pool
from worker.sandbox.keeper import _refill_for


def event(action: str, name: str, language: str = "python3") -> dict:
    return {"Action": action, "Actor": {"Attributes": {"name": name, "codedev.language": language}}}


def test_a_claim_or_a_warm_death_refills_its_language() -> None:
    assert _refill_for(event("rename", "codedev-sbx-cpp-ab12-busy-77", "cpp")) == "cpp"
    assert _refill_for(event("die", "codedev-sbx-python3-ab12")) == "python3"


def test_a_box_started_busy_means_an_empty_pool_to_fill() -> None:
    # No warm box was left (or none ever made): the claim created one; the pool must grow.
    assert _refill_for(event("create", "codedev-sbx-java-ab12-busy-77", "java")) == "java"
    assert _refill_for(event("create", "codedev-sbx-java-ab12", "java")) is None  # a refill


def test_a_judged_box_ending_refills_nothing() -> None:
    assert _refill_for(event("die", "codedev-sbx-python3-ab12-busy-77")) is None
    assert _refill_for(event("rename", "codedev-sbx-python3-ab12")) is None


def test_horses_of_a_kept_worker_leave_refilling_to_it() -> None:
    before = pool._keeper_pid
    try:
        pool.kept_by(os.getppid())  # as in a work horse: its worker runs the keeper
        assert pool.kept()
        pool.kept_by(os.getppid() + 100_000)  # some unrelated process
        assert not pool.kept()
    finally:
        pool._keeper_pid = before
