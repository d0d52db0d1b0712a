"""Importing format 2025-09 packages: metadata, constants, data/ groups, submissions, links."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from app.errors import ValidationError
from app.extensions import db
from app.models import Blob, Challenge, ReferenceSolution
from app.packages import export_package, import_package, import_zip_bytes
from tests.app.packages.builders import write_tree, zip_tree
from tests.app.packages.builders2025 import (
    PASSFAIL_YAML,
    SCORING_YAML,
    custom_package,
    folders_package,
    passfail_package,
    scoring_package,
)


def _solutions(challenge: Challenge) -> dict[str, str]:
    rows = db.session.scalars(
        select(ReferenceSolution).where(ReferenceSolution.challenge_id == challenge.id)
    )
    return {row.name: row.expected_verdict for row in rows}


def test_passfail_package_metadata_and_constants(app, tmp_path: Path) -> None:
    result = import_package(write_tree(tmp_path / "addtwo", passfail_package()))
    challenge = result.challenge
    meta = challenge.package_meta
    assert challenge.title == "Add Two Numbers"
    assert challenge.tags == ["math", "easy"] and challenge.languages == ["python3", "c"]
    assert (challenge.time_limit_ms, challenge.memory_limit_mb) == (2000, 512)
    assert meta["format"] == "2025-09" and meta["time_limit_pending"] is False
    assert meta["uuid"] == "789c94bb-11e7-47f4-bfe6-4988f460f021"
    assert meta["credits"]["testers"] == ["Tester One"]
    assert meta["source"][0] == {"name": "My Contest 2024", "url": "https://my.contest.com/2024"}
    assert (meta["license"], meta["rights_owner"]) == ("cc by-sa", "My Contest")
    assert meta["embargo_until"] == "2030-01-01"
    assert meta["limits"] == {"code": 64, "compilation_time": 30}
    assert meta["allow_file_writing"] is False
    assert meta["constants"]["hundred"] == {"value": 100, "tex": "10^2"}
    # Constants are substituted in the Markdown statement, never in test data.
    assert "\\le 1000000000$" in challenge.statement_md
    assert challenge.checker == "tokens"
    assert challenge.checker_options == {"space_change_sensitive": True}
    assert [(t.name, t.is_sample, t.group_id) for t in challenge.tests] == [
        ("1", True, None),
        ("01", False, None),
        ("edge/neg", False, None),
    ]
    assert challenge.groups == []
    # Every submissions/ folder is imported; rejected/ is judged by its rules alone.
    assert _solutions(challenge) == {
        "accepted/add.py": "AC",
        "accepted/add.c": "AC",
        "wrong_answer/sub.py": "WA",
        "rejected/crash.py": "RULES",
    }
    assert meta["submissions_yaml"].startswith("accepted/add.py:")
    kept = {f.path for f in challenge.files}
    assert {"solution/solution.en.md", "attachments/tool.py"} <= kept
    assert not [w for w in result.warnings if "unknown key" in w]


def test_scoring_groups_aggregation_and_pending_time_limit(app, tmp_path: Path) -> None:
    result = import_package(write_tree(tmp_path / "scoring", scoring_package()))
    challenge = result.challenge
    assert [(g.name, g.points) for g in challenge.groups] == [("group1", 30.0), ("group2", 70.0)]
    assert challenge.package_meta["group_aggregation"] == {"group1": "pass-fail", "group2": "sum"}
    groups = {g.id: g.name for g in challenge.groups}
    assert [(t.name, groups.get(t.group_id or 0)) for t in challenge.tests] == [
        ("1", None),
        ("01", "group1"),
        ("01", "group2"),
        ("02", "group2"),
    ]
    assert challenge.package_meta["time_limit_pending"] is True
    assert challenge.package_meta["time_multipliers"]["time_resolution"] == 0.5
    assert challenge.stop_on_first_failure is False
    assert challenge.aggregation_of("group2") == "sum"


def test_constants_are_substituted_in_test_group_yaml(app, tmp_path: Path) -> None:
    """2025-09 "Constants": test_group.yaml is one of the files they are replaced in (before
    it is read as YAML); a test case's .yaml is test data, where they are not."""
    files = scoring_package(
        **{
            "problem.yaml": SCORING_YAML + "constants:\n  small: 30\n  big: {value: 70}\n",
            "data/secret/group1/test_group.yaml": "max_score: {{small}}\nargs: ['{{big}}']\n",
            "data/secret/group2/test_group.yaml": "max_score: {{big.value}}\n",
            "data/secret/group2/02.yaml": "args: ['{{small}}']\n",
        }
    )
    challenge = import_package(write_tree(tmp_path / "constants", files)).challenge
    assert [(g.name, g.points) for g in challenge.groups] == [("group1", 30.0), ("group2", 70.0)]
    assert challenge.package_meta["run_args"] == {
        "data/secret/group1/01": {"args": ["70"]},
        "data/secret/group2/02": {"args": ["{{small}}"]},
    }


def test_constants_leave_binary_files_untouched(app, tmp_path: Path) -> None:
    """Only files that are UTF-8 text get constants: an include/ or folder-program file of
    other bytes is kept byte for byte (decoding it with replacement used to damage it)."""
    binary = b"\x7fELF\xff\xfe{{max_n}}\x00\x80"
    files = folders_package(
        **{
            "include/default/table.bin": binary,
            "include/default/limits.txt": "{{max_n}}\n",
            "submissions/accepted/two_files/table.bin": binary,
        }
    )
    challenge = import_package(write_tree(tmp_path / "binary", files)).challenge
    kept = {f.path: db.session.get(Blob, f.sha256).data for f in challenge.files}  # type: ignore[union-attr]
    assert kept["include/default/table.bin"] == binary
    assert kept["submissions/accepted/two_files/table.bin"] == binary
    assert kept["include/default/limits.txt"] == b"1000000000\n"


def test_files_left_out_are_named_in_the_warnings(app, tmp_path: Path) -> None:
    """Every kind of file the import does not use gets one warning naming its files."""
    png = b"\x89PNG\r\n\x1a\n"
    extra: dict[str, str | bytes] = {
        "data/sample/1.in.statement": "1 + 2\n",
        "data/sample/1.ans.statement": "three\n",
        "data/sample/1.in.download": "1 2\n",
        "data/sample/1.ans.download": "3\n",
        "data/secret/01.out": "10\n",
        "data/secret/01.png": png,
        "data/secret/edge/neg.svg": "<svg/>",
        "data/invalid_output/wrong.in": "1 2\n",
        "data/invalid_output/wrong.ans": "3\n",
        "data/invalid_output/wrong.out": "4\n",
        "data/valid_output/spaces.in": "1 2\n",
        "data/valid_output/spaces.ans": "3\n",
        "data/valid_output/spaces.out": " 3\n",
        "input_visualizer/draw.py": "print('drawn')\n",
        "output_visualizer/draw.py": "print('drawn')\n",
        "static_validator/check.py": "print('fine')\n",
    }
    extra.update({f"data/secret/{n:02d}.out": f"{n}\n" for n in range(2, 8)})
    extra.update({f"data/secret/{n:02d}.in": "1 1\n" for n in range(2, 8)})
    extra.update({f"data/secret/{n:02d}.ans": "2\n" for n in range(2, 8)})
    result = import_package(write_tree(tmp_path / "extras", passfail_package(**extra)))
    left_out = [w for w in result.warnings if ": left out (" in w]
    assert left_out == [
        ".in.statement files: left out (the statement shows the .in): data/sample/1.in.statement",
        ".ans.statement files: left out (the statement shows the .ans): "
        "data/sample/1.ans.statement",
        ".out files: left out (the statement shows the .ans): data/secret/01.out, "
        "data/secret/02.out, data/secret/03.out, data/secret/04.out, data/secret/05.out "
        "and 2 more",
        ".in.download files: left out (test data is not offered for download): "
        "data/sample/1.in.download",
        ".ans.download files: left out (test data is not offered for download): "
        "data/sample/1.ans.download",
        "test case illustrations: left out (they are not shown): data/secret/01.png, "
        "data/secret/edge/neg.svg",
        "data/invalid_output/: left out (the output validator is not checked against it): "
        "data/invalid_output/wrong.ans, data/invalid_output/wrong.in, "
        "data/invalid_output/wrong.out",
        "data/valid_output/: left out (the output validator is not checked against it): "
        "data/valid_output/spaces.ans, data/valid_output/spaces.in, "
        "data/valid_output/spaces.out",
        "input_visualizer/: left out (visualizers are not run): input_visualizer/draw.py",
        "output_visualizer/: left out (visualizers are not run): output_visualizer/draw.py",
        "static_validator/: left out (static validation is not supported): "
        "static_validator/check.py",
    ]
    kept = {f.path for f in result.challenge.files}
    assert not [path for path in kept if path.startswith(("data/", "input_vis", "static"))]


def test_invalid_inputs_are_kept_and_exported(app, tmp_path: Path) -> None:
    files = passfail_package(**{"data/invalid_input/words.in": "one two\n"})
    challenge = import_package(write_tree(tmp_path / "invalid", files)).challenge
    assert "data/invalid_input/words.in" in {f.path for f in challenge.files}
    with zipfile.ZipFile(io.BytesIO(export_package(challenge))) as archive:
        assert archive.read("invalid/data/invalid_input/words.in") == b"one two\n"


def test_custom_validator_and_include_are_kept(app, tmp_path: Path) -> None:
    result = import_package(write_tree(tmp_path / "custom", custom_package()))
    challenge = result.challenge
    assert (challenge.checker, challenge.checker_language) == ("custom", "python3")
    assert challenge.checker_options == {"args": ["strict"]}
    kept = {f.path for f in challenge.files}
    assert {"include/default/data.txt", "include/python3/helper.py"} <= kept
    assert not [w for w in result.warnings if w.startswith("include/")]


def test_unknown_keys_warn_and_name_the_file(app, tmp_path: Path) -> None:
    files = passfail_package(
        **{
            "problem.yaml": PASSFAIL_YAML + "flavour: vanilla\n",
            "data/secret/test_group.yaml": "colour: blue\n",
        }
    )
    result = import_package(write_tree(tmp_path / "warn", files))
    assert "problem.yaml: unknown key 'flavour' ignored" in result.warnings
    assert "data/secret/test_group.yaml: unknown key 'colour' ignored" in result.warnings


BASE = "problem_format_version: 2025-09\nname: X\nuuid: u-1\n"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"problem.yaml": "problem_format_version: 2025-09\nname: X\n"}, r"problem.yaml: uuid"),
        ({"problem.yaml": BASE + "type: [pass-fail, scoring]\n"}, "both pass-fail and scoring"),
        ({"problem.yaml": BASE + "type: submit-answer\n"}, "submit-answer problems are not"),
        ({"problem.yaml": BASE + "type: golf\n"}, r"type 'golf' is not one of"),
        ({"problem.yaml": BASE + "license: mine\n"}, "license must be one of"),
        ({"problem.yaml": BASE + "keywords: a b\n"}, "keywords must be a sequence"),
        ({"problem.yaml": BASE + "limits: {code: big}\n"}, r"limits.code must be an integer"),
        ({"problem.yaml": BASE + "limits: {time_limit: 1.3}\n"}, "multiple of time_resolution"),
        ({"problem.yaml": BASE + "constants: {2x: 1}\n"}, "not a valid constant name"),
        ({"problem.yaml": BASE + "allow_file_writing: sometimes\n"}, "allow_file_writing must"),
        (
            {"problem.yaml": SCORING_YAML, "data/secret/group1/test_group.yaml": "{}\n"},
            r"group1/test_group.yaml: max_score is required",
        ),
        (
            {"data/secret/group2/test_group.yaml": "max_score: 70\nscore_aggregation: avg\n"},
            r"group2/test_group.yaml: score_aggregation must be one of",
        ),
        ({"data/secret/loose.in": "1 1\n", "data/secret/loose.ans": "2\n"}, "directly in it"),
        ({"data/sample/test_group.yaml": "max_score: 5\n"}, "not permitted in sample"),
    ],
)
def test_bad_2025_packages_are_refused_naming_file_and_field(
    app, tmp_path: Path, changes: dict[str, str], message: str
) -> None:
    files = scoring_package(**changes)
    with pytest.raises(ValidationError, match=message):
        import_package(write_tree(tmp_path / "bad", files))
    assert db.session.scalar(select(func.count()).select_from(Challenge)) == 0


def test_export_is_2025_09_and_reads_back(app, tmp_path: Path) -> None:
    challenge = import_package(write_tree(tmp_path / "scoring", scoring_package())).challenge
    data = export_package(challenge)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        problem = yaml.safe_load(archive.read("scoring/problem.yaml"))
        group2 = yaml.safe_load(archive.read("scoring/data/secret/group2/test_group.yaml"))
        rules = archive.read("scoring/submissions/submissions.yaml").decode()
        names = set(archive.namelist())
    assert problem["problem_format_version"] == "2025-09" and problem["type"] == "scoring"
    assert "time_limit" not in problem["limits"]
    assert group2 == {
        "max_score": 70,
        "score_aggregation": "sum",
        "input_validator_args": ["--big"],
    }
    assert "partially_accepted:" in rules
    assert "scoring/submissions/partially_accepted/partial.py" in names
    copy = import_zip_bytes(data, "copy.zip").challenge
    assert copy.package_meta["group_aggregation"] == challenge.package_meta["group_aggregation"]


def _repository(tmp_path: Path) -> Path:
    repo = tmp_path / "contest"
    (repo / ".git").mkdir(parents=True)
    (repo / "shared").mkdir()
    (repo / "shared" / "sum.py").write_text("a, b = map(int, input().split())\nprint(a + b)\n")
    return repo


def test_cli_folder_import_copies_links_to_files_of_the_same_repository(
    app, runner, tmp_path: Path
) -> None:
    repo = _repository(tmp_path)
    package = write_tree(repo / "addtwo", passfail_package())
    os.remove(package / "submissions/accepted/add.py")
    os.symlink("../../../shared/sum.py", package / "submissions/accepted/add.py")
    result = runner.invoke(args=["problems", "import", str(package)])
    assert result.exit_code == 0, result.output
    challenge = db.session.scalar(select(Challenge).where(Challenge.slug == "addtwo"))
    assert challenge is not None
    source = db.session.scalar(
        select(ReferenceSolution.source).where(
            ReferenceSolution.challenge_id == challenge.id,
            ReferenceSolution.name == "accepted/add.py",
        )
    )
    assert source == (repo / "shared" / "sum.py").read_text()


def test_links_leaving_the_repository_or_in_a_zip_are_refused(app, tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    outside = tmp_path / "secret.txt"
    outside.write_text("not yours\n")
    package = write_tree(repo / "addtwo", passfail_package())
    os.symlink(outside, package / "attachments/leak.txt")
    with pytest.raises(ValidationError, match="leak.txt: link points outside the package and"):
        import_package(package)
    # Outside any repository, a link must stay inside the package itself.
    loose = write_tree(tmp_path / "loose", passfail_package())
    os.symlink(repo / "shared" / "sum.py", loose / "attachments/sum.py")
    with pytest.raises(ValidationError, match="sum.py: link points outside the package$"):
        import_package(loose)
    info = zipfile.ZipInfo("addtwo/attachments/link.txt")
    info.external_attr = (0o120777) << 16
    data = zip_tree(passfail_package(), top="addtwo")
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(info, "../../shared/sum.py")
    with pytest.raises(ValidationError, match="symbolic links are not allowed"):
        import_zip_bytes(buffer.getvalue(), "addtwo.zip")
    assert db.session.scalar(select(func.count()).select_from(Challenge)) == 0
