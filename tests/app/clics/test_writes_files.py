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


def _crafted(members: dict[str, str], *, flags: int = 0, method: int | None = None) -> list[dict[str, str]]:
    """A zip of these members whose first member's headers (local and central) claim the
    given flag bits (1: encrypted) or compression method: what zipfile cannot read."""
    data = bytearray(base64.b64decode(zipped(members)[0]["data"]))
    for signature, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.index(signature)
        data[start + at] |= flags
        if method is not None:
            data[start + at + 2 : start + at + 4] = method.to_bytes(2, "little")
    return [{"data": base64.b64encode(bytes(data)).decode(), "mime": "application/zip"}]


def test_a_zip_zipfile_cannot_read_is_a_400_not_a_500(as_role, contest):
    client, headers = as_role["team"]
    cid = contest["round"].id
    before = db.session.query(Submission).count()
    cases = {
        "encrypted": _crafted({"main.py": MAIN}, flags=1),
        "unknown method": _crafted({"main.py": MAIN, "helper.py": HELPER}, method=99),
        "too many members": _crafted({f"f{i}.py": MAIN for i in range(50)}, method=99),
    }
    for case, files in cases.items():
        body = {"problem_id": "A", "language_id": "python3", "files": files}
        response = client.post(f"/api/v1/contests/{cid}/submissions", json=body, headers=headers)
        assert response.status_code == 400, (case, response.get_json())
        assert response.get_json()["error"]["code"] == "invalid", case
    assert "more than" in response.get_json()["error"]["message"]  # counted before any is read
    assert db.session.query(Submission).count() == before


def test_a_language_id_that_is_not_a_string_is_a_400(as_role, contest):
    client, headers = as_role["team"]
    cid = contest["round"].id
    for language in (["python3"], {"id": "python3"}, 3):
        body = {"problem_id": "A", "language_id": language, "files": zipped({"main.py": MAIN})}
        response = client.post(f"/api/v1/contests/{cid}/submissions", json=body, headers=headers)
        assert response.status_code == 400, (language, response.get_json())
