"""Live updates: the one publish() every process uses; the web's sockets live in sockets.py."""

from app.live.events import publish

__all__ = ["publish"]
