"""Loopback ports: a free one for a server the test starts, and whether one accepts yet."""

from __future__ import annotations

import socket

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nothing listens on now (the kernel's pick), for a server started next."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def accepts_connections(port: int, host: str = HOST) -> bool:
    """Whether a server accepts TCP connections on the port yet."""
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False
