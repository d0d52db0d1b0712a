"""Closing a runner stream ends the runner at once: the box goes without waiting for garbage."""

from __future__ import annotations

import secrets

import pytest
from docker.errors import NotFound

from tests.support.polling import wait_for
from worker.languages import get_language
from worker.sandbox import pool
from worker.sandbox.engine import get_client
from worker.sandbox.stream import RunnerStream

pytestmark = pytest.mark.docker


def test_closing_the_stream_ends_the_box_while_the_socket_is_still_referenced(
    sandbox_images: None,
) -> None:
    client = get_client()
    language = get_language("python3")
    name = f"{pool.NAME_PREFIX}-python3-{secrets.token_hex(6)}-busy-test"
    container = pool._start(client, language, pool._image_id(client, language), name, "busy")
    # docker-py's wrapper around the socket: alive here until the end of the test, as it may be
    # in a horse until garbage collection.
    wrapper = client.api.attach_socket(
        container.id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
    )
    stream = RunnerStream(wrapper)
    assert stream.call({"op": "hello"}, timeout=30)[0]["ok"]
    stream.close()

    def gone() -> bool:
        try:
            client.containers.get(container.id)
        except NotFound:
            return True
        return False

    try:
        wait_for(gone, 20, "the runner to see the end of its stream and the box to go")
    finally:
        if not gone():
            container.remove(force=True)
    # The case the test is about held to the end: the wrapper still holds the socket, so its
    # file descriptor was never released; only the shutdown told the runner.
    assert not wrapper.closed and wrapper._sock.fileno() >= 0
