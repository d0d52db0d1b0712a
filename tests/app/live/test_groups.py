"""Socket groups: one thread writes each frame to every member; a stalled client falls behind
alone, and frames arrive whole and in order."""

from __future__ import annotations

import json
import queue
import socket
import struct
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Ping, Pong, Request, TextMessage

from app.channels import contest_channel
from app.live import groups as groups_module
from app.live import publish
from app.live.groups import BACKLOG_LIMIT, Member, joined, text_frame
from app.models import utcnow
from app.scoring.live import changed
from tests.app.live.wsclient import RECEIVE_TIMEOUT, connect, receive, receive_until
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


def _raw_client(base: str, path: str) -> tuple[socket.socket, WSConnection]:
    """A client that reads only when told (a small receive buffer: the server backs up) and
    sends pings of its own."""
    host, port = base.split("//")[1].split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    sock.settimeout(RECEIVE_TIMEOUT)
    conn = WSConnection(ConnectionType.CLIENT)
    sock.sendall(conn.send(Request(host=f"{host}:{port}", target=path)))
    while not any(isinstance(event, AcceptConnection) for event in conn.events()):
        conn.receive_data(sock.recv(4096))
    return sock, conn


def test_pings_while_frames_back_up_never_split_a_frame(app, live_server, monkeypatch):
    # simple-websocket's reader thread answers each ping with a pong on the same socket the
    # group and the member's thread write frames to: a pong sent while a frame is half out
    # would land inside it and the client could not read on.
    made = Member.__init__

    def small_buffer(member: Member, ws: Any, **options: Any) -> None:
        ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)  # a busy server's socket
        made(member, ws, **options)

    monkeypatch.setattr(Member, "__init__", small_buffer)
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    round_ = make_round(teacher, [challenge], starts_at=utcnow() - timedelta(minutes=5))
    sock, conn = _raw_client(
        live_server.url, f"/ws/contests/{round_.id}?key={round_.projector_key}"
    )
    texts: list[str] = []
    parts: list[str] = []
    pongs = 0

    def read(wanted: Callable[[], bool]) -> None:
        nonlocal pongs
        while not wanted():
            data = sock.recv(2048)
            assert data, "the server closed the socket"
            conn.receive_data(data)  # raises on a corrupted stream
            for event in conn.events():
                if isinstance(event, TextMessage):  # wsproto hands over a frame in parts
                    parts.append(event.data)
                    if event.message_finished:
                        texts.append("".join(parts))
                        parts.clear()
                elif isinstance(event, Pong):
                    pongs += 1
                else:
                    raise AssertionError(f"unexpected {event!r}")
            time.sleep(0.001)  # a slow reader

    try:
        read(lambda: len(texts) == 1)
        assert json.loads(texts.pop())["type"] == "ready"
        sent = [{"type": "announcement", "text": f"{n}:" + "x" * 60_000} for n in range(40)]
        for event in sent:
            publish(contest_channel(round_.id, app), event, app)
        pings = 0
        while len(texts) < len(sent):
            sock.sendall(conn.send(Ping(payload=str(pings).encode())))
            pings += 1
            count = len(texts)
            read(lambda count=count: len(texts) > count)
        read(lambda: pongs == pings)
        got = [json.loads(text) for text in texts]
        assert [frame for frame in got if frame["type"] == "announcement"] == sent
    finally:
        sock.close()


def _member_socket() -> tuple[SimpleNamespace, socket.socket, socket.socket]:
    server, client = socket.socketpair()
    client.settimeout(RECEIVE_TIMEOUT)
    return SimpleNamespace(sock=server, connected=True, close=lambda **_: None), server, client


def test_a_group_whose_thread_died_is_replaced_on_the_next_join(app):
    channel = contest_channel(uuid.uuid4().int % 10**9, app)
    first_ws, *first_ends = _member_socket()
    second_ws, *second_ends = _member_socket()
    with app.app_context(), joined(("dead", channel), (channel,), lambda raw: [raw], str, first_ws):
        old = app.extensions["live_groups"][("dead", channel)]
        old._inbox.put(groups_module._STOP)  # its thread ends (as on an error), still listed
        old._thread.join(5)
        assert not old._thread.is_alive()
        with joined(("dead", channel), (channel,), lambda raw: [raw], str, second_ws) as m:
            new = app.extensions["live_groups"][("dead", channel)]
            assert new is not old and new._thread.is_alive()
            serving = threading.Thread(target=m.serve)
            serving.start()
            publish(channel, {"type": "announcement", "text": "still live"}, app)
            assert json.loads(read_frames(second_ends[1], 1)[0])["text"] == "still live"
            second_ws.connected = False
            serving.join(5)
    for end in (*first_ends, *second_ends):
        end.close()


def test_the_last_member_leaves_at_once_while_its_group_is_stuck_on_a_full_inbox(app):
    # The leave takes the process's registry lock: were it to wait for room in the inbox, every
    # socket of every round would wait with it.
    channel = contest_channel(uuid.uuid4().int % 10**9, app)
    building, release = threading.Event(), threading.Event()

    def slow(raw: str) -> list[str]:
        building.set()
        release.wait(30)
        return [raw]

    ws, *ends = _member_socket()
    other_ws, *other_ends = _member_socket()
    left = threading.Event()

    def leave_while_stuck() -> None:
        with app.app_context(), joined(("full", channel), (channel,), slow, str, ws):
            group = app.extensions["live_groups"][("full", channel)]
            publish(channel, {"type": "announcement", "text": "slow"}, app)
            assert building.wait(RECEIVE_TIMEOUT)
            while True:  # the rest of its inbox fills up behind the frame being built
                try:
                    group._inbox.put_nowait("{}")
                except queue.Full:
                    break
        left.set()

    leaving = threading.Thread(target=leave_while_stuck)
    try:
        leaving.start()
        assert left.wait(5), "the last member's leave waited for its group's thread"
        with app.app_context():
            other = contest_channel(uuid.uuid4().int % 10**9, app)
            with joined(("full", other), (other,), lambda raw: [raw], str, other_ws):
                pass  # another round's socket joins and leaves meanwhile
        assert ("full", channel) not in app.extensions["live_groups"]
    finally:
        release.set()
        leaving.join(10)
        for end in (*ends, *other_ends):
            end.close()


def test_a_member_that_fell_behind_gets_its_close_after_a_whole_frame():
    # Its Close (ws.close(1013), simple-websocket writing to ws.sock) must not be spliced into
    # the frame still half-sent in its backlog.
    server, client = socket.socketpair()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    client.settimeout(RECEIVE_TIMEOUT)
    ws = SimpleNamespace(sock=server, connected=True)

    def close(reason: int, message: str) -> None:  # as simple-websocket's: one send
        ws.sock.send(struct.pack("!BBH", 0x88, 2 + len(message), reason) + message.encode())
        ws.connected = False

    ws.close = close
    member = Member(ws)
    frame = text_frame(json.dumps({"pad": "x" * 50_000}))
    while not member.fallen_behind:  # the group's writes: the first one only partly sent
        member.write(frame)
    serving = threading.Thread(target=member.serve)
    serving.start()
    buffer = b""
    while chunk := client.recv(1 << 16):
        buffer += chunk
        if buffer.endswith(b"fell behind; reconnect"):
            break
    serving.join(5)
    texts = 0
    while buffer[:1] == b"\x81":  # whole text frames, then the Close
        assert buffer[1] == 126
        size = struct.unpack("!H", buffer[2:4])[0]
        assert json.loads(buffer[4 : 4 + size]) == {"pad": "x" * 50_000}
        buffer, texts = buffer[4 + size :], texts + 1
    assert texts >= 1
    assert buffer == struct.pack("!BBH", 0x88, 24, 1013) + b"fell behind; reconnect"
    server.close()
    client.close()
