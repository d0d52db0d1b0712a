"""Write a round as a CLICS contest package: api.json, contest.json and the jury's view of
every endpoint as JSON files, state.json, the scoreboard and the jury's event-feed.ndjson.

Recorded results without sources: submissions carry no files (an import takes the
judgements as the verdicts); with sources=True each source is added under
submissions/<id>/files/ (its CLICS id, as submissions.json names it), as the package format
lays them out.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from app.clics import contest_data, feed, objects, service
from app.clics.ids import submission_id
from app.clics.roles import JURY
from app.extensions import db
from app.models import Round, Submission, utcnow
from app.programs import files_of

EXPORTED = ("judgement-types", "languages", "problems", "groups", "organizations", "teams",
            "submissions", "judgements", "runs", "clarifications", "awards")  # fmt: skip


def _dump(value: Any) -> bytes:
    return (json.dumps(value, indent=1, ensure_ascii=False) + "\n").encode()


def package_files(round_: Round, *, sources: bool = False) -> dict[str, bytes]:
    """The package's files by path."""
    now = utcnow()
    data = contest_data.load(round_)
    files = {"api.json": _dump(objects.api_information()),
             "contest.json": _dump(objects.contest(round_)),
             "state.json": _dump(service.state_at(round_, now)),
             "scoreboard.json": _dump(service.scoreboard(round_, JURY, now))}  # fmt: skip
    for endpoint in EXPORTED:
        items = service.collection(round_, JURY, endpoint, now, data)
        if endpoint == "submissions":
            items = [dict(item, files=[]) for item in items]
        files[f"{endpoint}.json"] = _dump(items)
    files["event-feed.ndjson"] = "".join(
        e.line() for e in feed.events(round_, JURY, now)
        if e.type not in ("persons", "accounts")
    ).encode()  # fmt: skip
    if sources:
        for sent in data.submissions:
            full = db.session.get(Submission, sent.id)
            assert full is not None
            for name, text in files_of(full):
                files[f"submissions/{submission_id(sent)}/files/{name}"] = text.encode()
    return files


def export_zip(round_: Round, *, sources: bool = False) -> bytes:
    """The package as a .zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(package_files(round_, sources=sources).items()):
            archive.writestr(name, content)
    return out.getvalue()
