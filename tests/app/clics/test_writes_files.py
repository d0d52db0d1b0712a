"""CLICS: a team POSTs a program of several files as one zip; the files endpoint serves them all."""

from __future__ import annotations

import base64
import io
import zipfile

from app.extensions import db
from app.models import Submission
from tests.clics import check

MAIN = "from helper import add\nprint(add(*map(int, input().split())))\n"
HELPER = "def add(a, b):\n    return a + b\n"


def zipped(members: dict[str, str]) -> list[dict[str, str]]:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return [{"data": base64.b64encode(data.getvalue()).decode(), "mime": "application/zip"}]


def test_a_team_posts_a_multi_file_zip_and_reads_it_back(as_role, contest):
    client, headers = as_role["team"]
    cid = contest["round"].id
    body = {"problem_id": "A", "language_id": "python3",
            "files": zipped({"helper.py": HELPER, "main.py": MAIN})}  # fmt: skip
    response = client.post(f"/api/v1/contests/{cid}/submissions", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    item = response.get_json()
    check("submission", item)
    assert item["entry_point"] == "main.py"
    stored = db.session.get(Submission, int(item["id"]))
    assert stored.source == MAIN and stored.other_files == {"helper.py": HELPER}
    served = client.get(f"/api/v1/contests/{cid}/submissions/{item['id']}/files", headers=headers)
    assert served.status_code == 200
    with zipfile.ZipFile(io.BytesIO(served.data)) as archive:
        assert {n: archive.read(n).decode() for n in archive.namelist()} == {
            "main.py": MAIN,
            "helper.py": HELPER,
        }


def test_a_bad_multi_file_zip_is_refused_unstored(as_role, contest):
    client, headers = as_role["team"]
    cid = contest["round"].id
    before = db.session.query(Submission).count()
    for members in ({"main.py": MAIN, "lib/helper.py": HELPER}, {"a.py": MAIN, "b.py": HELPER}):
        body = {"problem_id": "A", "language_id": "python3", "files": zipped(members)}
        response = client.post(f"/api/v1/contests/{cid}/submissions", json=body, headers=headers)
        assert response.status_code == 400, response.get_json()
    assert db.session.query(Submission).count() == before
