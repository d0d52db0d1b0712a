"""The Docker engine connection and the settings the sandbox reads."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import docker
from docker.errors import DockerException
from flask import current_app, has_app_context

from worker.sandbox.api import ServiceUnavailable

# Folder of the image definitions: one per language, the runner, the base.
IMAGES_DIR = Path(__file__).resolve().parents[2] / "sandbox_images"
LABEL = "codedev.sandbox"


def _setting(name: str, default: str) -> str:
    """An app setting when in an app context (instance config applies), else the environment."""
    if has_app_context() and current_app.config.get(name) not in (None, ""):
        return str(current_app.config[name])
    return os.environ.get(f"CODEDEV_{name}") or default


def image_prefix() -> str:
    """Prefix of image names (SANDBOX_IMAGE_PREFIX)."""
    return _setting("SANDBOX_IMAGE_PREFIX", "codedev-sandbox")


def pool_size() -> int:
    """Warm containers kept per language on this host (SANDBOX_POOL_SIZE)."""
    return int(_setting("SANDBOX_POOL_SIZE", "2"))


def host_name() -> str:
    """This worker host's name, as written in container labels."""
    return socket.gethostname()


# One client per process: RQ work horses are forks of the worker, and a client inherited from
# the parent would share its sockets (and its pool's locks) with it. Keyed by pid, not cleared.
_clients: dict[int, docker.DockerClient] = {}
# The engine's API version, asked once: a work horse inherits it and skips the round trip.
_api_version: str | None = None


def _client() -> docker.DockerClient:
    global _api_version
    pid = os.getpid()
    client = _clients.get(pid)
    if client is None:
        client = docker.from_env(timeout=120, version=_api_version)
        if _api_version is None:  # else the worker that forked this horse reached the engine
            client.ping()
            _api_version = client.api.api_version
        _clients.clear()  # a parent's client is never closed here: the parent still uses it
        _clients[pid] = client
    return client


def get_client() -> docker.DockerClient:
    """A connected Docker client of this process, or ServiceUnavailable saying why there is none."""
    try:
        return _client()
    except DockerException as error:
        raise ServiceUnavailable(
            f"no Docker engine reachable ({error}); start dockerd (scripts/start-docker.sh) "
            "or set DOCKER_HOST"
        ) from error
