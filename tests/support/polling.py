"""Wait for something to become true, failing with what was awaited (no time is asserted)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(condition: Callable[[], T], timeout: float, what: str, interval: float = 0.1) -> T:
    """Poll until condition() is truthy and return its value; fail naming what was awaited.

    The condition is asked once more at the deadline, so a slow last poll still counts, and it
    may raise (an assertion that a helper process is still alive, say) to stop waiting early.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)
