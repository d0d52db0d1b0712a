"""Sandbox test fixtures: the images are built once per session; a missing engine fails in CI."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.stacks import missing

PROGRAMS = Path(__file__).parent / "programs"


@pytest.fixture(scope="session")
def sandbox_images() -> None:
    """Every language image, built (or found current) once per session."""
    from worker.sandbox import ServiceUnavailable, ensure_images

    try:
        ensure_images()
    except ServiceUnavailable as error:
        missing(str(error))


@pytest.fixture
def open_box(sandbox_images: None) -> Iterator[Callable[..., object]]:
    """Open sandboxes for a test; all are closed (containers removed) after it."""
    from worker.sandbox import acquire

    opened = []

    def _open(language_id: str, program: str | None = None):
        box = acquire(language_id)
        opened.append(box)
        if program is not None:
            result = box.compile((PROGRAMS / program).read_text())
            assert result.ok, result.output
        return box

    yield _open
    for box in opened:
        box.close()
