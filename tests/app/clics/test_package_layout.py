"""Contest packages as Contest_Package.md lays them out: problems.yaml and accounts.yaml,
sources zipped as submissions/<id>/<filename>, Kattis problems zipped as the problem's package
reference (or problems/<id>.zip), api.json, and a contest with no start time yet."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from app.clics import importer, objects, package_reader
from app.clics.package_reader import PackageError
from app.clics.service import state_at
from app.extensions import db
from app.models import Submission, utcnow
from tests.app.clics.test_packages import _minimal
from tests.app.packages.builders import legacy_package
from tests.clics import check
from tests.factories import make_user


def _zip(files: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def _write(tmp_path: Path, files: dict[str, Any]) -> Path:
    """A package folder: text and bytes as they are, anything else as JSON."""
    folder = tmp_path / "pkg"
    for path, value in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(value, bytes):
            target.write_bytes(value)
        else:
            target.write_text(value if isinstance(value, str) else json.dumps(value, indent=1))
    return folder


def test_problems_and_accounts_are_read_from_their_yaml_variants(app, tmp_path):
    files = _minimal()
    problems = files.pop("problems.json")
    files["problems.yaml"] = yaml.safe_dump(problems, sort_keys=False)
    files["accounts.yaml"] = (
        "- id: stephan\n  username: stephan\n  type: judge\n"
        "- id: team45\n  username: team45\n  type: team\n  team_id: t1\n"
    )
    package = package_reader.read(_write(tmp_path, files))
    assert package.of("problems") == {p["id"]: p for p in problems}
    assert set(package.of("accounts")) == {"stephan", "team45"}
    assert package.where[("accounts", "team45")] == "accounts.yaml:4"
    round_ = importer.store(package, make_user(role="admin")).round
    assert [p.label for p in round_.problems] == ["A", "B"]


def test_a_yaml_variant_that_is_not_a_list_or_repeats_an_id_says_where(app, tmp_path):
    files = _minimal()
    del files["problems.json"]
    files["problems.yaml"] = "- id: apples\n  label: A\n- id: apples\n  label: B\n"
    with pytest.raises(PackageError, match=r"problems\.yaml:3: duplicate id 'apples'"):
        package_reader.read(_write(tmp_path, files))
    (tmp_path / "pkg" / "problems.yaml").write_text("id: apples\n")
    with pytest.raises(PackageError, match=r"problems\.yaml:1: must be a YAML sequence"):
        package_reader.read(tmp_path / "pkg")


def test_sources_zipped_as_the_spec_stores_them_are_imported(app, tmp_path):
    files = _minimal()
    files["submissions.json"][1]["files"] = [
        {
            "href": "contests/x/submissions/s2/files",
            "filename": "files.zip",
            "mime": "application/zip",
        }
    ]
    files["submissions/s2/files.zip"] = _zip({"main.cpp": "int main() { return 0; }\n"})
    # Another tool's name for the zip, with no file reference to say it.
    files["submissions/s3/source.zip"] = _zip({"a.cpp": "int a;\n", "main.cpp": "int main() {}\n"})
    package = package_reader.read(_write(tmp_path, files))
    round_ = importer.store(package, make_user(role="admin")).round
    sent = {s.external_id: s for p in round_.participants for s in _sent(p)}
    assert sent["s2"].source == "int main() { return 0; }\n"
    assert sent["s3"].source == "int main() {}\n" and sent["s3"].other_files == {
        "a.cpp": "int a;\n"
    }
    assert sent["s1"].source == ""  # no files: a recorded result


def _sent(participant: Any) -> list[Submission]:
    return list(
        db.session.scalars(select(Submission).where(Submission.participant_id == participant.id))
    )


def test_kattis_problems_zipped_as_the_spec_stores_them_are_imported(app, tmp_path):
    files = _minimal()
    files["problems.json"][0]["package"] = [
        {
            "href": "contests/x/problems/apples/package",
            "filename": "apples.zip",
            "mime": "application/zip",
        }
    ]
    files["problems/apples/apples.zip"] = _zip(legacy_package())
    # problems/<id>.zip, its files in a top folder as `zip -r bananas.zip bananas/` makes them.
    files["problems/bananas.zip"] = _zip({f"bananas/{n}": c for n, c in legacy_package().items()})
    files["problems/apples/apples.pdf"] = b"%PDF-1.4\n"
    round_ = importer.store(
        package_reader.read(_write(tmp_path, files)), make_user(role="admin")
    ).round
    for problem in round_.problems:
        assert problem.challenge.title == "Add Two Numbers" and len(problem.challenge.tests) >= 3


def test_a_damaged_problem_zip_is_refused_by_name(app, tmp_path):
    files = _minimal()
    files["problems/apples.zip"] = b"PK\x03\x04 not really"
    with pytest.raises(PackageError, match=r"problems/apples\.zip"):
        package_reader.read(_write(tmp_path, files))


def test_the_export_carries_api_json(app, contest, runner, tmp_path):
    out = tmp_path / "contest.zip"
    result = runner.invoke(args=["contests", "export", str(contest["round"].id), str(out)])
    assert result.exit_code == 0, result.output
    api = json.loads(zipfile.ZipFile(out).read("api.json"))
    check("api_information", api)
    assert api == app.test_client().get("/api/v1/").get_json() == objects.api_information()


def test_a_contest_not_scheduled_yet_imports_waiting_for_its_start(app, tmp_path):
    files = _minimal()
    files["contest.json"]["start_time"] = None
    for name in ("submissions.json", "judgements.json", "state.json"):
        del files[name]
    package = package_reader.read(_write(tmp_path, files))
    round_ = importer.store(package, make_user(role="admin")).round
    served = objects.contest(round_)
    check("contest", served)
    assert served["start_time"] is None and served["duration"] == "5:00:00.000"
    assert state_at(round_, utcnow())["started"] is None


def test_a_contest_with_submissions_and_no_start_time_is_refused(app, tmp_path):
    files = _minimal()
    files["contest.json"]["start_time"] = None
    with pytest.raises(PackageError, match="start_time is null .* has submissions"):
        package_reader.read(_write(tmp_path, files))


def test_nested_zips_share_one_budget_and_a_bad_reference_is_named(app, tmp_path, monkeypatch):
    """Each nested zip has its own caps, and all of them together one more; a files reference
    that is not a list is a shape error, never a crash."""
    from app.clics import package_layout

    files = _minimal()
    for sent_id in ("s1", "s2", "s3"):
        files[f"submissions/{sent_id}/files.zip"] = _zip({"main.cpp": "x" * 4000})
    monkeypatch.setattr(package_layout, "UNPACKED_BYTES", 10_000)  # two fit, not three
    with pytest.raises(PackageError, match=r"submissions/s3/files\.zip: .* unpack to more than"):
        package_reader.read(_write(tmp_path, files))
    files = _minimal()
    files["submissions.json"][1]["files"] = 7
    with pytest.raises(PackageError, match="files"):
        package_reader.read(_write(tmp_path / "second", files))
