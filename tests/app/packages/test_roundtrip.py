"""export_package writes a package the importer reads back identically."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from app.extensions import db
from app.models import Challenge, ReferenceSolution
from app.packages import export_package, import_package, import_zip_bytes
from tests.app.packages.builders import (
    CPP_VALIDATOR,
    PY_VALIDATOR,
    VALIDATE_H,
    draft_package,
    legacy_package,
    write_tree,
)
from tests.app.packages.builders2025 import (
    PASS_FAIL_GROUPS_YAML,
    SCORING_GROUPS_YAML,
    custom_package,
    draft_interactive_package,
    folders_package,
    groups_package,
    interactive_multipass_package,
    interactive_package,
    legacy_interactive_package,
    multipass_package,
    passfail_package,
    scoring_package,
)
from tests.factories import make_challenge, make_reference

COLUMNS = (
    "title",
    "statement_md",
    "difficulty",
    "tags",
    "time_limit_ms",
    "memory_limit_mb",
    "output_limit_kb",
    "languages",
    "starter_code",
    "checker",
    "checker_options",
    "checker_language",
    "checker_source",
    "stop_on_first_failure",
    "package_meta",
)


def snapshot(challenge: Challenge) -> dict[str, Any]:
    """Everything an import stores about a challenge, without ids, slug and timestamps."""
    groups = {g.id: g.name for g in challenge.groups}
    solutions = db.session.scalars(
        select(ReferenceSolution)
        .where(ReferenceSolution.challenge_id == challenge.id)
        .order_by(ReferenceSolution.name)
    )
    return {
        **{column: getattr(challenge, column) for column in COLUMNS},
        "groups": [(g.name, g.position, g.points) for g in challenge.groups],
        "tests": [
            (
                t.position,
                t.name,
                t.is_sample,
                groups.get(t.group_id or 0),
                t.input_sha256,
                t.answer_sha256,
            )
            for t in challenge.tests
        ],
        "solutions": [(s.name, s.language, s.source, s.expected_verdict) for s in solutions],
        "files": [(f.path, f.sha256) for f in challenge.files],
    }


PACKAGES = {
    "legacy-latex-scoring": legacy_package,
    "draft-nested-floats": draft_package,
    "legacy-custom-cpp": lambda: legacy_package(
        **{
            "problem.yaml": "name: Custom\nvalidation: custom\nvalidator_flags: strict mode\n",
            "output_validators/checker/check.cpp": CPP_VALIDATOR,
            "output_validators/checker/validate.h": VALIDATE_H,
        }
    ),
    "draft-custom-python": lambda: draft_package(**{"output_validator/validator.py": PY_VALIDATOR}),
    "2025-passfail-constants": passfail_package,
    "2025-scoring-groups": scoring_package,
    "2025-custom-include": custom_package,
    "2025-multipass": multipass_package,
    "2025-interactive": interactive_package,
    "2025-interactive-multipass": interactive_multipass_package,
    "2025-folder-programs": folders_package,
    "legacy-interactive": legacy_interactive_package,
    "draft-interactive": draft_interactive_package,
    "2025-passfail-groups": lambda: groups_package(PASS_FAIL_GROUPS_YAML),
    "2025-passfail-secret": lambda: groups_package(
        SCORING_GROUPS_YAML,
        **{
            "data/secret/test_group.yaml": "score_aggregation: pass-fail\n",
            "data/secret/big/test_group.yaml": "max_score: 60\n",
            "data/secret/small/test_group.yaml": "max_score: 40\n",
        },
    ),
}


@pytest.mark.parametrize("kind", sorted(PACKAGES))
def test_import_export_import_is_identical(app, tmp_path: Path, kind: str) -> None:
    first = import_package(write_tree(tmp_path / "pkg", PACKAGES[kind]())).challenge
    data = export_package(first)
    second = import_zip_bytes(data, "copy.zip").challenge
    assert second.slug == "copy" and second.id != first.id
    assert snapshot(second) == snapshot(first)
    # Exporting the copy gives the same files with the same contents.
    assert _contents(export_package(second)) == _contents(data)


def _contents(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def test_exported_package_layout(app, tmp_path: Path) -> None:
    challenge = import_package(write_tree(tmp_path / "addtwo", legacy_package())).challenge
    with zipfile.ZipFile(io.BytesIO(export_package(challenge))) as archive:
        names = set(archive.namelist())
        problem = yaml.safe_load(archive.read("addtwo/problem.yaml"))
        group = yaml.safe_load(archive.read("addtwo/data/secret/group2/testdata.yaml"))
    # A legacy package is written back as legacy: no format version, legacy spellings.
    assert "problem_format_version" not in problem
    assert problem["name"] == "Add Two Numbers"
    assert problem["type"] == "scoring"
    assert problem["author"] == "Ada Lovelace"
    assert problem["source_url"] == "https://cup.example"
    assert problem["limits"]["time_multiplier"] == 3
    assert "time_limit" not in problem["limits"]  # still to be derived by verify
    assert group == {"grading": "default", "grader_flags": "min", "accept_score": 70}
    # One statement file per language: the LaTeX the statement came from, still unchanged.
    assert "addtwo/problem_statement/problem.en.md" not in names
    for name in (
        "addtwo/problem_statement/problem.en.tex",
        "addtwo/data/sample/1.in",
        "addtwo/data/secret/group1/01.ans",
        "addtwo/submissions/accepted/Main.java",
        "addtwo/submissions/run_time_error/crash.py",
        "addtwo/attachments/testing_tool.py",
        "addtwo/codedev.yaml",
    ):
        assert name in names


def test_an_edited_latex_statement_is_exported_as_markdown_only(app, tmp_path: Path) -> None:
    challenge = import_package(write_tree(tmp_path / "addtwo", legacy_package())).challenge
    challenge.statement_md += "\nA note added in codedev.\n"
    db.session.commit()
    data = export_package(challenge)
    statements = sorted(
        name for name in _contents(data) if name.startswith("problem_statement/problem.")
    )
    assert statements == ["problem_statement/problem.en.md"]
    copy = import_zip_bytes(data, "edited.zip").challenge
    assert copy.statement_md == challenge.statement_md


def test_authored_challenge_round_trips(app) -> None:
    challenge = make_challenge(
        tests=[("1 2\n", "3\n"), ("2 2\n", "4\n")],
        title="Authored",
        tags=["intro"],
        time_limit_ms=1234,
        output_limit_kb=1000,
        difficulty="easy",
        starter_code={"python3": "# read two numbers\n"},
        languages=["python3"],
        checker_options={"case_sensitive": True},
    )
    make_reference(challenge, name="my solution")
    data = export_package(challenge)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        problem = yaml.safe_load(archive.read(f"{challenge.slug}/problem.yaml"))
    # Authored in codedev: written as the current format, the limit in its own resolution.
    assert problem["problem_format_version"] == "2025-09"
    assert problem["limits"]["time_limit"] == 1.234
    copy = import_zip_bytes(data, "authored-copy.zip").challenge
    assert copy.title == "Authored"
    assert (copy.time_limit_ms, copy.output_limit_kb, copy.difficulty) == (1234, 1000, "easy")
    assert copy.starter_code == {"python3": "# read two numbers\n"}
    assert copy.languages == ["python3"] and copy.tags == ["intro"]
    assert copy.checker_options == {"case_sensitive": True}
    assert [(t.name, t.is_sample) for t in copy.tests] == [("01", True), ("02", False)]
    solution = db.session.scalars(
        select(ReferenceSolution).where(ReferenceSolution.challenge_id == copy.id)
    ).one()
    assert (solution.name, solution.expected_verdict) == ("accepted/my_solution.py", "AC")


def test_cli_export(app, runner, tmp_path: Path) -> None:
    import_package(write_tree(tmp_path / "addtwo", legacy_package()))
    out = tmp_path / "out.zip"
    result = runner.invoke(args=["problems", "export", "addtwo", str(out)])
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(out)
    missing = runner.invoke(args=["problems", "export", "nope", str(out)])
    assert missing.exit_code != 0 and "no challenge" in missing.output
