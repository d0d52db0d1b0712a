"""Importing packages the tests build: legacy and 2023-07-draft, folder and zip, both stacks."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models import Blob, Challenge, ChallengeFile, ReferenceSolution, TestCase, TestGroup
from app.packages import import_package
from tests.app.packages.builders import (
    CPP_VALIDATOR,
    PY_VALIDATOR,
    VALIDATE_H,
    draft_package,
    legacy_package,
    write_tree,
    zip_tree,
)
from tests.factories import make_user


def _blob(sha256: str) -> bytes:
    blob = db.session.get(Blob, sha256)
    assert blob is not None
    return blob.data


def test_legacy_package_folder(app, tmp_path: Path) -> None:
    teacher = make_user(role="teacher")
    root = write_tree(tmp_path / "addtwo", legacy_package())
    result = import_package(root, owner=teacher)
    challenge = result.challenge
    assert challenge.slug == "addtwo"
    assert challenge.title == "Add Two Numbers"
    assert challenge.owner_id == teacher.id
    assert challenge.published is False
    assert challenge.tags == ["math", "easy"]
    assert (challenge.memory_limit_mb, challenge.output_limit_kb) == (512, 4096)
    assert challenge.checker == "tokens" and challenge.checker_options == {}
    # LaTeX became Markdown; the original is kept as a file.
    assert "## Input" in challenge.statement_md and "$a+b$" in challenge.statement_md
    assert "**their sum**" in challenge.statement_md
    paths = [f.path for f in challenge.files]
    assert paths == [
        "attachments/testing_tool.py",
        "problem_statement/picture.png",
        "problem_statement/problem.en.tex",
    ]
    # No time limit in a legacy package: default now, verify derives it.
    meta = challenge.package_meta
    assert meta["time_limit_pending"] is True and challenge.time_limit_ms == 2000
    assert meta["format"] == "legacy" and meta["time_multipliers"]["time_multiplier"] == 3
    assert meta["credits"] == "Ada Lovelace" and meta["license"] == "cc by-sa"

    tests = challenge.tests
    assert [(t.name, t.is_sample) for t in tests] == [
        ("1", True),
        ("2", True),
        ("01", False),
        ("01", False),
        ("02", False),
    ]
    assert [t.position for t in tests] == [1, 2, 3, 4, 5]
    groups = {g.name: g for g in challenge.groups}
    assert {name: g.points for name, g in groups.items()} == {"group1": 30.0, "group2": 70.0}
    assert [t.group_id for t in tests] == [
        None,
        None,
        groups["group1"].id,
        groups["group2"].id,
        groups["group2"].id,
    ]
    assert challenge.stop_on_first_failure is False  # a scoring problem runs every test
    assert _blob(tests[3].input_sha256) == b"100 200\n"
    assert tests[3].input_sha256 == hashlib.sha256(b"100 200\n").hexdigest()

    solutions = db.session.scalars(select(ReferenceSolution).order_by(ReferenceSolution.name)).all()
    found = {(s.name, s.language, s.expected_verdict) for s in solutions}
    for folder, verdict in [
        ("accepted", "AC"),
        ("wrong_answer", "WA"),
        ("time_limit_exceeded", "TLE"),
        ("run_time_error", "RE"),
    ]:
        languages = {lang for name, lang, v in found if name.startswith(folder + "/")}
        assert languages == {"python3", "c", "java"}, folder
        assert all(v == verdict for name, _, v in found if name.startswith(folder + "/"))
    assert result.warnings == []


def test_an_older_package_names_the_2025_files_it_leaves_out(app, tmp_path: Path) -> None:
    extra = {
        "data/sample/1.interaction": ">1 2\n<3\n",
        "data/invalid_input/big.in": "1 2 3\n",
        "output_visualizer/draw.py": "print('drawn')\n",
    }
    result = import_package(write_tree(tmp_path / "older", legacy_package(**extra)))
    assert [w for w in result.warnings if ": left out (" in w] == [
        "output_visualizer/: left out (visualizers are not run): output_visualizer/draw.py",
        "data/invalid_input/: left out (input validators run in format 2025-09 only): "
        "data/invalid_input/big.in",
    ]
    # A sample's interaction is kept in every format (legacy interactive problems have them).
    assert "data/sample/1.interaction" in {kept.path for kept in result.challenge.files}


def test_draft_package_zip_nested_groups_and_float_flags(app, tmp_path: Path) -> None:
    archive = tmp_path / "halfit.zip"
    archive.write_bytes(zip_tree(draft_package(), top="halfit"))
    challenge = import_package(archive).challenge
    assert challenge.slug == "halfit"
    assert challenge.title == "Half It"
    assert challenge.statement_md.startswith("Print **half**")
    assert challenge.time_limit_ms == 1500
    assert challenge.package_meta["time_limit_pending"] is False
    assert challenge.package_meta["names"] == {"en": "Half It", "sv": "Halvera"}
    assert challenge.package_meta["uuid"] == "8ee7605a-2d4d-4cb8-b1b4-cd5e1f6c0a11"
    assert challenge.languages == ["python3", "c", "cpp", "java"]
    assert challenge.checker == "tokens"
    assert challenge.checker_options == {"float_tolerance": 1e-6}
    groups = [(g.name, g.points) for g in challenge.groups]
    # The 60 points of "hard" are shared by its two leaf groups.
    assert groups == [("easy", 40.0), ("hard/big", 30.0), ("hard/small", 30.0)]
    assert [t.name for t in challenge.tests] == ["1", "a", "1", "1"]
    assert [f.path for f in challenge.files] == ["statement/problem.sv.md"]


def test_custom_cpp_validator_folder_with_header(app, tmp_path: Path) -> None:
    files = legacy_package(
        **{
            "output_validators/checker/check.cpp": CPP_VALIDATOR,
            "output_validators/checker/validate.h": VALIDATE_H,
        }
    )
    files["problem.yaml"] = "name: Custom\nvalidation: custom\nvalidator_flags: strict\n"
    challenge = import_package(write_tree(tmp_path / "custom", files)).challenge
    assert challenge.checker == "custom"
    assert challenge.checker_language == "cpp"
    assert challenge.checker_options == {"args": ["strict"]}
    assert "#define ACCEPT 42" in (challenge.checker_source or "")
    assert '#include "validate.h"' not in (challenge.checker_source or "")


def test_custom_python_validator_draft(app, tmp_path: Path) -> None:
    files = draft_package(**{"output_validator/validator.py": PY_VALIDATOR})
    challenge = import_package(write_tree(tmp_path / "pyval", files)).challenge
    assert challenge.checker == "custom"
    assert challenge.checker_language == "python3"
    assert challenge.checker_source == PY_VALIDATOR
    assert challenge.checker_options == {"args": ["float_tolerance", "1e-6"]}


def test_same_data_is_stored_once(app, tmp_path: Path) -> None:
    files = legacy_package()
    files["data/secret/group1/01.in"] = "1 2\n"  # same as sample 1
    import_package(write_tree(tmp_path / "one", files))
    import_package(write_tree(tmp_path / "two", files))
    assert db.session.scalar(select(func.count()).select_from(Challenge)) == 2
    digest = hashlib.sha256(b"1 2\n").hexdigest()
    assert (
        db.session.scalar(select(func.count()).select_from(Blob).where(Blob.sha256 == digest)) == 1
    )
    uses = db.session.scalar(
        select(func.count()).select_from(TestCase).where(TestCase.input_sha256 == digest)
    )
    assert uses == 4
    assert db.session.scalar(select(func.count()).select_from(TestGroup)) == 4
    assert db.session.scalar(select(func.count()).select_from(ChallengeFile)) == 6


def test_cli_import_prints_slug_and_notes_pending_time_limit(app, runner, tmp_path: Path) -> None:
    root = write_tree(tmp_path / "clipkg", legacy_package())
    result = runner.invoke(args=["problems", "import", str(root)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "clipkg"
    assert "flask problems verify clipkg" in result.stderr
    again = runner.invoke(args=["problems", "import", str(root)])
    assert again.exit_code != 0 and "exists already" in again.output
    renamed = runner.invoke(args=["problems", "import", str(root), "--slug", "Other Name"])
    assert renamed.exit_code == 0 and renamed.stdout.strip().endswith("other-name")


def test_problem_yaml_language_codes_become_registry_ids(app, tmp_path: Path) -> None:
    files = legacy_package()
    files["problem.yaml"] = str(files["problem.yaml"]) + "languages: py3 C++ cpp c kotlin\n"
    archive = tmp_path / "codes.zip"
    archive.write_bytes(zip_tree(files, top="codes"))
    challenge = import_package(archive).challenge
    # DOMjudge's py3 and c++ are our python3 and cpp (once each); an unknown code is kept.
    assert challenge.languages == ["python3", "cpp", "c", "kotlin"]
