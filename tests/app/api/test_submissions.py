"""The JSON API: create and read submissions with a token, bad input, limits, OpenAPI."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.auth.service import create_token
from app.extensions import db
from app.models import Judgement, Submission
from tests.factories import make_challenge, make_submission, make_user

SOURCE = "a, b = map(int, input().split())\nprint(a + b)\n"
TESTS = [("1 2\n", "3\n"), ("40 2\n", "42\n")]


@pytest.fixture
def student(app):
    user = make_user()
    return user, {"Authorization": f"Bearer {create_token(user)}"}


def stored() -> int:
    return db.session.scalar(select(func.count(Submission.id))) or 0


def post(client, headers, **body):
    return client.post("/api/v1/submissions", json=body, headers=headers)


def test_create_with_a_token(client, student):
    _, headers = student
    challenge = make_challenge(TESTS)
    response = post(client, headers, challenge=challenge.slug, language="python3", source=SOURCE)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "queued" and body["judgement"]["status"] == "queued"
    assert response.headers["Location"] == f"/api/v1/submissions/{body['id']}"
    submission = db.session.get(Submission, body["id"])
    assert submission is not None and submission.source == SOURCE and submission.kind == "submit"
    assert db.session.get(Judgement, body["judgement"]["id"]).status == "queued"


def test_sample_run_is_a_samples_submission(client, student):
    _, headers = student
    challenge = make_challenge(TESTS)
    response = post(
        client, headers, challenge=challenge.slug, language="python3", source=SOURCE, kind="samples"
    )
    assert response.status_code == 201
    assert db.session.get(Submission, response.get_json()["id"]).kind == "samples"


def test_anonymous_gets_401_json(client):
    response = client.post("/api/v1/submissions", json={})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"language": "python3", "source": SOURCE}, 400),
        ({"challenge": "CHALLENGE", "language": "python3"}, 400),
        ({"challenge": "CHALLENGE", "language": "python3", "source": 12}, 400),
        ({"challenge": "CHALLENGE", "language": "cobol", "source": SOURCE}, 400),
        ({"challenge": "CHALLENGE", "language": "python3", "source": SOURCE, "kind": "x"}, 400),
        ({"challenge": "no-such-thing", "language": "python3", "source": SOURCE}, 404),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(client, student, body, status):
    _, headers = student
    challenge = make_challenge(TESTS)
    body = dict(body)  # the parameter is shared by both store pairs
    if body.get("challenge") == "CHALLENGE":
        body["challenge"] = challenge.slug
    response = post(client, headers, **body)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] and error["message"]
    assert stored() == 0


def test_body_must_be_json(client, student):
    _, headers = student
    response = client.post("/api/v1/submissions", data="challenge=x", headers=headers)
    assert response.status_code == 400
    assert "JSON" in response.get_json()["error"]["message"]
    assert stored() == 0


def test_unpublished_challenge_is_not_found_for_students(client, student):
    _, headers = student
    challenge = make_challenge(TESTS, published=False)
    response = post(client, headers, challenge=challenge.slug, language="python3", source=SOURCE)
    assert response.status_code == 404
    assert stored() == 0


def test_source_size_cap(app, client, student):
    _, headers = student
    app.config["MAX_SOURCE_BYTES"] = 100
    challenge = make_challenge(TESTS)
    response = post(client, headers, challenge=challenge.slug, language="python3", source="#" * 101)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "source_too_large"
    assert "100 bytes" in response.get_json()["error"]["message"]
    assert stored() == 0


def test_rate_limit_is_429_and_stores_nothing(app, client, student):
    _, headers = student
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 2
    challenge = make_challenge(TESTS)
    body = {"challenge": challenge.slug, "language": "python3", "source": SOURCE}
    assert [post(client, headers, **body).status_code for _ in range(2)] == [201, 201]
    refused = post(client, headers, **body)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert "per minute" in refused.get_json()["error"]["message"]
    assert stored() == 2


def test_owner_reads_state_hidden_tests_carry_no_data(client, student):
    user, headers = student
    challenge = make_challenge(TESTS)
    submission = make_submission(user, challenge, status="done", results=["AC", "WA"],
                                 verdict="WA", score=50.0)  # fmt: skip
    body = client.get(f"/api/v1/submissions/{submission.id}", headers=headers).get_json()
    assert (body["status"], body["verdict"], body["score"]) == ("done", "WA", 50.0)
    sample, hidden = body["tests"]
    assert sample["sample"] and sample["input"] == "1 2\n" and sample["expected"] == "3\n"
    assert sample["message"] == "message 1"
    assert not hidden["sample"]
    assert set(hidden) == {"position", "name", "group", "verdict", "time_ms", "memory_kb", "sample"}
    assert hidden["name"] == "test 2"


def test_other_students_submission_is_not_found_but_staff_see_it(client, student):
    user, _ = student
    author = make_user(role="teacher")
    submission = make_submission(user, make_challenge(TESTS, owner_id=author.id))
    other = {"Authorization": f"Bearer {create_token(make_user())}"}
    response = client.get(f"/api/v1/submissions/{submission.id}", headers=other)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    stranger = {"Authorization": f"Bearer {create_token(make_user(role='teacher'))}"}
    assert client.get(f"/api/v1/submissions/{submission.id}", headers=stranger).status_code == 404
    teacher = {"Authorization": f"Bearer {create_token(author)}"}
    assert client.get(f"/api/v1/submissions/{submission.id}", headers=teacher).status_code == 200


def test_overridden_verdict_is_shown_with_the_judges(client, student):
    user, headers = student
    submission = make_submission(user, make_challenge(TESTS), status="done", verdict="WA",
                                 override_verdict="AC", override_reason="checker bug")  # fmt: skip
    body = client.get(f"/api/v1/submissions/{submission.id}", headers=headers).get_json()
    assert body["verdict"] == "AC"
    assert body["judgement"]["judge_verdict"] == "WA"
    assert body["judgement"]["override_reason"] == "checker bug"


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_openapi_document_describes_the_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert {"/submissions", "/submissions/{id}"} <= set(document["paths"])
    # The CLICS Contest API's paths are described too.
    assert "/contests/{contest_id}/event-feed" in document["paths"]
    assert "post" in document["paths"]["/contests/{contest_id}/submissions"]
    assert "post" in document["paths"]["/submissions"]
    assert "get" in document["paths"]["/submissions/{id}"]
    for ref in _refs(document):
        target = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        assert isinstance(target, dict), ref
