"""The contest package pages: staff upload a package and land on the new round; a bad one
says why and imports nothing; students may not; staff download a round's package."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import func, select

from app.extensions import db
from app.models import Round
from tests.app.clics.test_packages import _minimal
from tests.conftest import csrf_token
from tests.factories import make_user


def _zip(files: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, value in files.items():
            archive.writestr(name, value if isinstance(value, str) else json.dumps(value))
    return out.getvalue()


def _upload(client, data: bytes):
    token = csrf_token(client, "/rounds/import")
    return client.post("/rounds/import", data={"csrf_token": token, "visibility": "public",
                                               "file": (io.BytesIO(data), "replay.zip")},
                       content_type="multipart/form-data", follow_redirects=True)  # fmt: skip


def test_staff_import_a_package_in_the_browser_and_export_it_again(client, auth):
    teacher = make_user(role="teacher")
    auth.login(teacher.email)
    assert "Import a contest package" in client.get("/rounds/").get_data(as_text=True)
    page = _upload(client, _zip(_minimal()))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Imported" in html and "Replay" in html
    round_ = db.session.scalars(select(Round).order_by(Round.id.desc())).first()
    assert round_.owner_id == teacher.id and len(round_.participants) == 2
    download = client.get(f"/rounds/{round_.id}/contest-package.zip")
    assert download.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    assert "contest.json" in names and "event-feed.ndjson" in names


def test_a_bad_upload_says_where_and_imports_nothing(client, auth):
    auth.login(make_user(role="teacher").email)
    bad = _minimal(**{"teams.json": [{"id": "t1", "name": "One", "label": "1"}]})  # t2 is gone
    page = _upload(client, _zip(bad))
    html = page.get_data(as_text=True)
    assert "submissions.json:" in html and "unknown team_id" in html
    assert db.session.scalar(select(func.count(Round.id))) == 0


def test_students_may_not_import(client, auth):
    auth.login(make_user().email)
    assert client.get("/rounds/import").status_code == 403
