"""Socket groups: one thread writes each frame to every member; a stalled client falls behind
alone, and frames arrive whole and in order."""

from __future__ import annotations

import json
import socket
import struct
import threading
from datetime import timedelta
from types import SimpleNamespace

from app.channels import contest_channel
from app.live import publish
from app.live.groups import BACKLOG_LIMIT, Member, text_frame
from app.models import utcnow
from app.scoring.live import changed
from tests.app.live.wsclient import connect, receive, receive_until
from tests.factories import make_challenge, make_round, make_user


def read_frames(sock: socket.socket, count: int) -> list[str]:
    """Read count whole text frames as a client would (unmasked server frames)."""
    buffer, frames = b"", []
    while len(frames) < count:
        chunk = sock.recv(1 << 16)
        assert chunk, "the socket closed early"
        buffer += chunk
        while len(buffer) >= 2:
            assert buffer[0] == 0x81, "not the start of a text frame: frames interleaved"
            size, at = buffer[1], 2
            if size == 126:
                size, at = struct.unpack("!H", buffer[2:4])[0], 4
            elif size == 127:
                size, at = struct.unpack("!Q", buffer[2:10])[0], 10
            if len(buffer) < at + size:
                break
            frames.append(buffer[at : at + size].decode())
            buffer = buffer[at + size :]
    return frames


def test_a_stalled_client_falls_behind_alone_and_the_others_get_every_frame_whole():
    fast_server, fast_client = socket.socketpair()
    slow_server, slow_client = socket.socketpair()
    slow_server.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    fast = Member(SimpleNamespace(sock=fast_server, connected=True, close=lambda **_: None))
    slow = Member(SimpleNamespace(sock=slow_server, connected=True, close=lambda **_: None))
    # Less in all than a socket pair's buffer: the fast client never needs a backlog.
    texts = [json.dumps({"n": n, "pad": "x" * 2000}) for n in range(BACKLOG_LIMIT + 20)]
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.extend(read_frames(fast_client, len(texts))))
    reader.start()
    fast_serving = threading.Thread(target=fast.serve)
    fast_serving.start()
    for text in texts:  # the group's thread: never waits on either client
        data = text_frame(text)
        fast.write(data)
        slow.write(data)
    reader.join(30)
    assert got == texts
    assert slow.fallen_behind and not fast.fallen_behind
    fast.ws.connected = False
    fast_serving.join(5)
    for end in (fast_server, fast_client, slow_server, slow_client):
        end.close()


def test_the_sockets_of_one_audience_share_a_group_and_each_get_the_update(app, live_server):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    round_ = make_round(teacher, [challenge], starts_at=utcnow() - timedelta(minutes=5))
    path = f"/ws/contests/{round_.id}?key={round_.projector_key}"
    sockets = [connect(live_server.url, path) for _ in range(3)]
    try:
        assert [receive(ws)["type"] for ws in sockets] == ["ready"] * 3
        groups = app.extensions["live_groups"]
        assert [len(g.members) for g in groups.values()] == [3]
        publish(contest_channel(round_.id, app), changed([]), app)
        updates = [receive_until(ws, lambda f: f["type"] == "scoreboard.update") for ws in sockets]
        assert all(update == updates[0] for update in updates)
        sockets.pop().close()
        publish(contest_channel(round_.id, app), {"type": "announcement", "text": "hi"}, app)
        for ws in sockets:
            assert receive_until(ws, lambda f: f["type"] == "announcement")["text"] == "hi"
    finally:
        for ws in sockets:
            ws.close()
