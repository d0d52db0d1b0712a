"""Live tests stop the app's subscriber thread when they end (its Redis may go away next)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask


@pytest.fixture(autouse=True)
def _stop_hub(app: Flask) -> Iterator[None]:
    yield
    hub = app.extensions.get("live_hub")
    if hub is not None:
        hub.stop()
