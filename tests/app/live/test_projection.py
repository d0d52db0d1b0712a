"""One projection decides what a viewer sees of a submission: page, API and socket agree."""

from __future__ import annotations

import json

import pytest

from app.auth.service import create_token
from app.channels import submission_channel
from app.extensions import db
from app.judging.events import judged_test, judging_started
from app.judging.outcome import TestOutcome
from app.live import publish
from tests.app.live.wsclient import connect, receive, receive_until
from tests.factories import make_challenge, make_submission, make_user

THREE_TESTS = [("1 2\n", "3\n"), ("2 2\n", "4\n"), ("5 5\n", "10\n")]
# What only the challenge's staff may read: hidden tests' names and checker messages, and why
# the judge failed.
SECRETS = ("secret-big-02", "secret-big-03", "checker-said-2", "checker-said-3", "secret-host")


@pytest.fixture
def judged(app):
    """A student's judged submission: test 1 a sample, tests 2 and 3 hidden; its teacher."""
    teacher, student = make_user(role="teacher"), make_user()
    challenge = make_challenge(THREE_TESTS, owner_id=teacher.id)
    for case in challenge.tests[1:]:
        case.name = f"secret-big-{case.position:02d}"
    db.session.commit()
    submission = make_submission(student, challenge, status="done", verdict="WA",
                                 results=["AC", "WA", "AC"], attempts=2,
                                 error="gave up once on secret-host")  # fmt: skip
    for result in submission.judgements[0].test_results:
        result.message = f"checker-said-{result.position}"
    db.session.commit()
    return teacher, student, submission


def hidden_event(submission, position: int) -> dict:
    """A `submission.test` event as the worker publishes it for one of the stored results."""
    result = submission.judgements[0].test_results[position - 1]
    test = TestOutcome(result.position, result.name, result.group, result.verdict,
                       time_ms=result.time_ms, memory_kb=result.memory_kb,
                       message=result.message, test_case_id=result.test_case_id,
                       stderr="Traceback: secret-host", output="secret output")  # fmt: skip
    return judged_test(submission.id, submission.judgements[0].id, test, 3)


def test_a_student_never_sees_hidden_details_by_any_path(app, live_server, client, judged):
    _, student, submission = judged
    token = create_token(student)
    page = client.get(f"/submissions/{submission.id}", headers={"Authorization": f"Bearer {token}"})
    api = app.test_client().get(f"/api/v1/submissions/{submission.id}",
                                headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert page.status_code == api.status_code == 200
    rows = {row["position"]: row for row in api.get_json()["tests"]}
    ws = connect(live_server.url, f"/ws/submissions/{submission.id}", token=token)
    try:
        state = receive(ws)["submission"]
        channel = submission_channel(submission.id)
        publish(channel, judging_started(submission.judgements[0]))
        judging = receive_until(ws, lambda f: f["type"] == "submission.judging")
        frames = {}
        for position in (1, 2, 3):
            publish(channel, hidden_event(submission, position))
            frames[position] = receive_until(
                ws, lambda f, p=position: f["type"] == "submission.test" and f["position"] == p
            )
    finally:
        ws.close()
    assert state == api.get_json()  # the socket's state is the API's
    for text in (page.get_data(as_text=True), api.get_data(as_text=True), json.dumps(state),
                 json.dumps(judging), json.dumps(frames)):  # fmt: skip
        for secret in SECRETS:
            assert secret not in text
    assert "attempt" not in judging and "attempts" not in state["judgement"]
    assert "checker-said-1" in page.get_data(as_text=True)  # a sample's message is shown
    assert frames[1]["message"] == "checker-said-1" and frames[1]["name"] == "01"
    for position in (2, 3):  # a hidden test's event says what its stored row says, no more
        frame, row = frames[position], rows[position]
        assert frame["name"] == row["name"] == f"test {position}"
        shared = set(frame) & set(row)
        assert {k: frame[k] for k in shared} == {k: row[k] for k in shared}
        assert set(frame) - shared == {"type", "submission_id", "judgement_id", "total"}


def test_staff_see_every_detail_by_every_path(app, live_server, client, judged):
    teacher, _, submission = judged
    token = create_token(teacher)
    headers = {"Authorization": f"Bearer {token}"}
    page = client.get(f"/submissions/{submission.id}", headers=headers).get_data(as_text=True)
    api = app.test_client().get(f"/api/v1/submissions/{submission.id}", headers=headers).get_json()
    ws = connect(live_server.url, f"/ws/submissions/{submission.id}", token=token)
    try:
        state = receive(ws)["submission"]
        publish(submission_channel(submission.id), hidden_event(submission, 2))
        frame = receive_until(ws, lambda f: f["type"] == "submission.test")
    finally:
        ws.close()
    for secret in SECRETS:
        assert secret in json.dumps(api) and secret in json.dumps(state)
    for secret in SECRETS[:4]:  # the page shows the judge's error only once it gave up
        assert secret in page
    assert (frame["name"], frame["message"]) == ("secret-big-02", "checker-said-2")
    assert state["judgement"]["attempts"] == 2
