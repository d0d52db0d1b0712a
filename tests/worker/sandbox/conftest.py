"""Sandbox test fixtures: open boxes (the images come from tests/conftest.py's session fixture)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

PROGRAMS = Path(__file__).parent / "programs"


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
