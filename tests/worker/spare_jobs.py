"""Jobs the spare-horse tests enqueue (a worker imports them by name, like any job)."""

from __future__ import annotations

import os


def whoami() -> int:
    """The pid of the work horse that ran this job."""
    return os.getpid()
