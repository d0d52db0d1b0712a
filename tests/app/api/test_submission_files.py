"""The JSON API takes a program of several files (`files`, `entry`) and gives every file back."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.auth.service import create_token
from app.extensions import db
from app.models import Submission
from tests.factories import make_challenge, make_user

MAIN = "from helper import add\nprint(add(*map(int, input().split())))\n"
HELPER = "def add(a, b):\n    return a + b\n"


@pytest.fixture
def headers(app):
    return {"Authorization": f"Bearer {create_token(make_user())}"}


def stored() -> int:
    return db.session.scalar(select(func.count(Submission.id))) or 0


def test_files_are_accepted_and_read_back(client, headers):
    challenge = make_challenge([("1 2\n", "3\n")])
    files = [{"name": "solve.py", "content": MAIN}, {"name": "helper.py", "content": HELPER}]
    response = client.post("/api/v1/submissions", headers=headers, json={
        "challenge": challenge.slug, "language": "python3", "files": files, "entry": "solve.py"})  # fmt: skip
    assert response.status_code == 201, response.get_json()
    body = client.get(response.headers["Location"], headers=headers).get_json()
    assert body["entry"] == "solve.py"
    assert body["files"] == [{"name": "solve.py", "content": MAIN},
                             {"name": "helper.py", "content": HELPER}]  # fmt: skip


@pytest.mark.parametrize(
    "extra",
    [
        {"files": [{"name": "main.py", "content": MAIN}], "source": MAIN},
        {"files": "main.py"},
        {"files": [{"name": "main.py"}]},
        {"files": []},
        {"files": [{"name": "main.py", "content": MAIN}, {"name": "../x.py", "content": "1"}]},
        {"files": [{"name": "main.py", "content": MAIN}, {"name": "main.py", "content": "1"}]},
        {"files": [{"name": f"f{i}.py", "content": "1\n"} for i in range(11)]},
    ],
    ids=["both", "not-a-list", "no-content", "empty", "dotdot", "duplicate", "too-many"],
)
def test_bad_files_get_a_clear_400_and_nothing_is_stored(client, headers, extra):
    challenge = make_challenge([("1 2\n", "3\n")])
    response = client.post("/api/v1/submissions", headers=headers,
                           json={"challenge": challenge.slug, "language": "python3", **extra})  # fmt: skip
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] in ("invalid", "too_many_files") and error["message"]
    assert stored() == 0


def test_openapi_describes_files(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert {"files", "entry", "source"} <= set(schemas["NewSubmission"]["properties"])
    assert schemas["SourceFile"]["required"] == ["name", "content"]
    assert "files" in schemas["Submission"]["properties"]
