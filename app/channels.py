"""Redis pub/sub channel names of live events, shared by the web processes and the workers:
`submission:<id>`, `contest:<id>`, `user:<id>`, `boss:<id>` (DESIGN.md), after LIVE_CHANNEL_PREFIX."""

from __future__ import annotations

from flask import Flask, current_app

# What each web process subscribes to, under the site's prefix.
KINDS = ("submission", "contest", "user", "boss")


def channel_prefix(app: Flask | None = None) -> str:
    """LIVE_CHANNEL_PREFIX (empty by default). Redis pub/sub channels are server-wide, whatever
    the database number: sites sharing one Redis server tell their events apart by it."""
    return str((app or current_app).config.get("LIVE_CHANNEL_PREFIX") or "")


def submission_channel(submission_id: int, app: Flask | None = None) -> str:
    """Channel of one submission's progress (`submission.test`, `submission.done`)."""
    return f"{channel_prefix(app)}submission:{submission_id}"


def user_channel(user_id: int, app: Flask | None = None) -> str:
    """Channel of one user's notifications."""
    return f"{channel_prefix(app)}user:{user_id}"


def contest_channel(round_id: int, app: Flask | None = None) -> str:
    """Channel of what everyone watching a round may see (announcements, answers to all)."""
    return f"{channel_prefix(app)}contest:{round_id}"


def contest_jury_channel(round_id: int, app: Flask | None = None) -> str:
    """Channel of a round's staff: every question and answer (under contest:* for the hub)."""
    return f"{contest_channel(round_id, app)}:jury"


def boss_channel(boss_id: int, app: Flask | None = None) -> str:
    """Channel of a Boss Fight: its hits and state (the projector and the class watch it)."""
    return f"{channel_prefix(app)}boss:{boss_id}"
