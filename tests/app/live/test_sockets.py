"""The live sockets against a real server: who may connect, state first, events fan out."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlsplit

import pytest
import requests
from simple_websocket import ConnectionError as Refused

from app.auth.service import create_token
from app.channels import submission_channel, user_channel
from app.extensions import db
from app.live import publish
from app.live.hub import get_hub
from app.models import TestResult
from tests.app.live.wsclient import connect, receive, receive_until
from tests.conftest import CSRF_RE, PASSWORD
from tests.factories import make_challenge, make_submission, make_user
from tests.webproc import web_process

THREE_TESTS = [("1 2\n", "3\n"), ("2 2\n", "4\n"), ("5 5\n", "10\n")]


@pytest.fixture
def owned(app):
    """A student, their token, and their submission being judged (one test recorded)."""
    student = make_user()
    challenge = make_challenge(THREE_TESTS)
    submission = make_submission(student, challenge, status="judging", results=["AC"])
    return student, create_token(student), submission


def test_anonymous_is_refused(live_server, owned):
    _, _, submission = owned
    with pytest.raises(Refused) as refused:
        connect(live_server.url, f"/ws/submissions/{submission.id}")
    assert refused.value.status_code == 401
    with pytest.raises(Refused):
        connect(live_server.url, "/ws/me")


def test_a_page_of_another_site_is_refused(live_server, owned):
    """Cross-site WebSocket hijacking: a foreign page's handshake carries the browser's cookie,
    so the Origin decides, before any authentication; the site's own origin is let in."""
    _, token, submission = owned
    for path in (f"/ws/submissions/{submission.id}", "/ws/me"):
        with pytest.raises(Refused) as refused:
            connect(live_server.url, path, token=token, Origin="http://evil.example")
        assert refused.value.status_code == 403
        # simple-websocket's Host header leaves out the port: the site's own origin is that host.
        own = "http://" + urlsplit(live_server.url).hostname
        ws = connect(live_server.url, path, token=token, Origin=own)
        try:
            assert receive(ws)["type"] in ("submission.state", "ready")
        finally:
            ws.close()


def test_another_student_is_refused(live_server, owned):
    _, _, submission = owned
    other = create_token(make_user())
    with pytest.raises(Refused) as refused:
        connect(live_server.url, f"/ws/submissions/{submission.id}", token=other)
    assert refused.value.status_code == 404
    with pytest.raises(Refused):
        connect(live_server.url, "/ws/submissions/999999", token=other)


def test_owner_token_gets_state_then_events(live_server, owned):
    _, token, submission = owned
    ws = connect(live_server.url, f"/ws/submissions/{submission.id}", token=token)
    try:
        state = receive(ws)
        assert state["type"] == "submission.state"
        assert state["submission"]["status"] == "judging"
        assert [t["position"] for t in state["submission"]["tests"]] == [1]
        event = {"type": "submission.test", "position": 2, "total": 3, "verdict": "AC",
                 "name": "02", "message": "secret feedback", "stderr": "x"}  # fmt: skip
        publish(submission_channel(submission.id), event)
        frame = receive_until(ws, lambda f: f["type"] == "submission.test")
        # Test 2 is hidden: a student sees how it went, nothing of what it was or said.
        assert frame == {"type": "submission.test", "position": 2, "total": 3, "verdict": "AC",
                         "name": "test 2"}  # fmt: skip
    finally:
        ws.close()


def test_staff_see_hidden_test_names(live_server, owned):
    _, _, submission = owned
    teacher = make_user(role="teacher")
    submission.challenge.owner_id = teacher.id
    db.session.commit()
    ws = connect(live_server.url, f"/ws/submissions/{submission.id}", token=create_token(teacher))
    try:
        assert receive(ws)["type"] == "submission.state"
        nonce = uuid.uuid4().hex
        publish(submission_channel(submission.id), {"type": "submission.test", "position": 3,
                                                "name": "03-big", "message": "m", "nonce": nonce})  # fmt: skip
        frame = receive_until(ws, lambda f: f.get("nonce") == nonce)
        assert frame["name"] == "03-big" and frame["message"] == "m"
    finally:
        ws.close()


def test_teacher_of_another_challenge_is_refused(live_server, owned):
    _, _, submission = owned
    stranger = make_user(role="teacher")
    with pytest.raises(Refused):
        connect(live_server.url, f"/ws/submissions/{submission.id}", token=create_token(stranger))


def test_session_cookie_is_accepted(live_server, owned):
    student, _, submission = owned
    browser = requests.Session()
    page = browser.get(live_server.url + "/auth/login").text
    match = CSRF_RE.search(page)
    assert match
    browser.post(
        live_server.url + "/auth/login",
        data={"csrf_token": match.group(1) or match.group(2), "email": student.email,
              "password": PASSWORD},
    )  # fmt: skip
    cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    agent = browser.headers["User-Agent"]
    ws = connect(live_server.url, f"/ws/submissions/{submission.id}", Cookie=cookie,
                 **{"User-Agent": agent})  # fmt: skip
    try:
        assert receive(ws)["submission"]["id"] == submission.id
    finally:
        ws.close()


def test_done_is_followed_by_the_stored_state(live_server, owned):
    _, token, submission = owned
    ws = connect(live_server.url, f"/ws/submissions/{submission.id}", token=token)
    try:
        receive(ws)
        judgement = submission.judgements[-1]
        judgement.status, judgement.verdict, judgement.compile_output = "done", "CE", "line 1: oops"
        db.session.commit()
        publish(submission_channel(submission.id), {"type": "submission.done", "verdict": "CE",
                                                "judgement_id": judgement.id})  # fmt: skip
        receive_until(ws, lambda f: f["type"] == "submission.done")
        state = receive_until(ws, lambda f: f["type"] == "submission.state")
        assert state["submission"]["verdict"] == "CE"
        assert state["submission"]["judgement"]["compile_output"] == "line 1: oops"
    finally:
        ws.close()


def test_reconnect_gets_the_stored_state(live_server, owned):
    _, token, submission = owned
    first = connect(live_server.url, f"/ws/submissions/{submission.id}", token=token)
    assert len(receive(first)["submission"]["tests"]) == 1
    first.close()
    judgement = submission.judgements[-1]
    case = submission.challenge.tests[1]
    db.session.add(TestResult(judgement_id=judgement.id, test_case_id=case.id, position=2,
                              name=case.name, verdict="WA"))  # fmt: skip
    db.session.commit()
    again = connect(live_server.url, f"/ws/submissions/{submission.id}", token=token)
    try:
        tests = receive(again)["submission"]["tests"]
        assert [(t["position"], t["verdict"]) for t in tests] == [(1, "AC"), (2, "WA")]
    finally:
        again.close()


def test_me_socket_gets_the_users_notifications(live_server, owned):
    student, token, _ = owned
    ws = connect(live_server.url, "/ws/me", token=token)
    try:
        assert receive(ws) == {"type": "ready", "user_id": student.id}
        nonce = uuid.uuid4().hex
        publish(user_channel(student.id), {"type": "notification", "text": "hi", "nonce": nonce})
        assert receive_until(ws, lambda f: f.get("nonce") == nonce)["text"] == "hi"
    finally:
        ws.close()


def test_me_socket_says_ready_again_when_the_hub_lost_redis(app, live_server, owned):
    student, token, _ = owned
    ws = connect(live_server.url, "/ws/me", token=token)
    try:
        assert receive(ws) == {"type": "ready", "user_id": student.id}
        hub = get_hub(app)
        hub._pubsub.connection.disconnect()  # the subscriber's connection drops
        # The page re-reads its state: whatever was published meanwhile is gone.
        assert receive(ws) == {"type": "ready", "user_id": student.id}
        nonce = uuid.uuid4().hex
        publish(user_channel(student.id), {"type": "notification", "nonce": nonce})
        assert receive_until(ws, lambda f: f.get("nonce") == nonce)["type"] == "notification"
    finally:
        ws.close()


def test_one_publish_reaches_sockets_on_two_web_processes(app, owned):
    _, token, submission = owned
    path = f"/ws/submissions/{submission.id}"
    channel = submission_channel(submission.id)
    sample_id = submission.challenge.tests[0].id  # a sample: a student sees all of its event
    db.session.remove()  # SQLite: the web processes must be able to read what was written
    with web_process(app) as first_url, web_process(app) as second_url:
        sockets = [connect(url, path, token=token) for url in (first_url, second_url)]
        try:
            for ws in sockets:
                assert receive(ws)["type"] == "submission.state"
            nonce = uuid.uuid4().hex
            receivers = publish(
                channel,
                {"type": "submission.test", "position": 1, "test_case_id": sample_id,
                 "verdict": "AC", "nonce": nonce},  # fmt: skip
            )
            assert receivers >= 2  # each process holds one subscription, not one per socket
            for ws in sockets:
                frame = receive_until(ws, lambda f: f.get("nonce") == nonce)
                assert json.dumps(frame["verdict"]) == '"AC"'
        finally:
            for ws in sockets:
                ws.close()
