"""The container limits of each step: a box only changes them when a step needs other ones."""

from __future__ import annotations

import pytest

from worker.languages import LANGUAGES, get_language
from worker.sandbox.api import Limits
from worker.sandbox.docker_sandbox import (
    COMPILE_LIMITS,
    box_cgroup,
    compile_limits,
    start_cgroup,
)


@pytest.mark.parametrize("language_id", ["python3", "javascript"])
def test_a_syntax_checked_language_runs_a_default_challenge_without_a_limit_change(language_id):
    language = get_language(language_id)
    assert start_cgroup(language) == box_cgroup(language, compile_limits(language))
    assert start_cgroup(language) == box_cgroup(language, Limits(), stdin_bytes=10_000)


@pytest.mark.parametrize("language_id", ["c", "cpp", "java"])
def test_a_compiler_gets_the_compile_limits(language_id):
    language = get_language(language_id)
    assert compile_limits(language) == COMPILE_LIMITS
    memory_mb, _ = start_cgroup(language)
    assert memory_mb > COMPILE_LIMITS.memory_mb  # the box and the runner come on top


@pytest.mark.parametrize("language_id", sorted(LANGUAGES))
def test_a_larger_input_or_limit_raises_the_memory_limit(language_id):
    language = get_language(language_id)
    small, _ = box_cgroup(language, Limits(memory_mb=64), stdin_bytes=100)
    large_input, _ = box_cgroup(language, Limits(memory_mb=64), stdin_bytes=100 << 20)
    large_limit, _ = box_cgroup(language, Limits(memory_mb=512), stdin_bytes=100)
    # The input is held twice: room for 200 MB, where a small input had its first 64 MB step.
    assert large_input - small + 64 >= 200
    assert large_limit == small + 448
