"""An imported contest serves the package's languages, which its submissions name (kotlin,
an id the judge doesn't know, one longer than the column), and its export writes them back."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from app.clics import exporter, feed, importer, package_reader
from app.clics.roles import JURY, SPECTATOR
from app.clics.service import collection
from app.models import utcnow
from tests.app.clics.test_packages import _minimal, _write
from tests.clics import check
from tests.factories import make_user

KOTLIN = {"id": "kotlin", "name": "Kotlin", "entry_point_required": True, "entry_point_name": "Main class",
          "extensions": ["kt"]}  # fmt: skip
PYPY = {"id": "python3-pypy-7.3.17", "name": "PyPy 3", "entry_point_required": False, "extensions": ["py"]}


def _package(languages: list[dict] | None) -> dict:
    files = _minimal()
    ids = ["kotlin", "python3-pypy-7.3.17", "cpp"]
    files["submissions.json"] = [dict(s, language_id=i) for s, i in zip(files["submissions.json"], ids, strict=True)]
    if languages is not None:
        files["languages.json"] = languages
    return files


def _served(round_, role=SPECTATOR) -> list[str]:
    return [item["id"] for item in collection(round_, role, "languages", utcnow())]


def test_the_packages_languages_are_served_named_by_its_submissions_and_exported(app, tmp_path):
    owner = make_user(role="admin")
    package = package_reader.read(_write(tmp_path, _package([KOTLIN, PYPY])))
    done = importer.store(package, owner)
    round_, now = done.round, utcnow()
    assert _served(round_) == ["kotlin", "python3-pypy-7.3.17", "cpp"]  # cpp: the judge's, added
    assert any("['cpp'] are named by submissions but not listed" in w for w in done.warnings)
    served = collection(round_, SPECTATOR, "languages", now)
    check("languages", served)
    assert served[0] == KOTLIN and served[1] == PYPY
    sent = collection(round_, JURY, "submissions", now)
    assert [s["language_id"] for s in sent] == ["kotlin", "python3-pypy-7.3.17", "cpp"]
    events = feed.events(round_, SPECTATOR, now)
    assert [e.id for e in events if e.type == "languages"] == _served(round_)
    # The export writes them back, and its import serves them again.
    archive = zipfile.ZipFile(io.BytesIO(exporter.export_zip(round_)))
    assert json.loads(archive.read("languages.json")) == served
    files = {name: archive.read(name) for name in archive.namelist()}
    copy = importer.store(package_reader.read_files(files), owner).round
    assert collection(copy, SPECTATOR, "languages", now) == served
    assert collection(copy, JURY, "submissions", now)[0]["language_id"] == "kotlin"


def test_without_languages_json_the_judges_are_served_with_the_unknown_ones_named(app, tmp_path: Path):
    owner = make_user(role="admin")
    round_ = importer.store(package_reader.read(_write(tmp_path, _package(None))), owner).round
    served = _served(round_)
    assert {"kotlin", "python3-pypy-7.3.17", "cpp", "python3"} <= set(served)
    check("languages", collection(round_, SPECTATOR, "languages", utcnow()))
    # A contest of the judge's languages only keeps none: the judge's list is served.
    plain = importer.store(package_reader.read(_write(tmp_path, _minimal(), name="plain")), owner).round
    assert plain.clics.get("languages") is None and "cpp" in _served(plain)
