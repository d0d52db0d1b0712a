"""2025-09 test case settings: a test's <name>.yaml and test_group.yaml `args` reach the
program, `output_validator_args` the custom validator; kept for the export; bad ones named."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import yaml

from app.errors import ValidationError
from app.packages import export_package, import_package
from tests.app.packages.builders import write_tree
from tests.worker.judge_support import require_sandbox

PROBLEM = (
    "problem_format_version: 2025-09\nname: Echo args\n"
    "uuid: 0b6e6f0a-0c2e-4f7e-9a44-8f0c1d2e3f40\nlimits:\n  time_limit: 2\n"
)
# Prints its command-line args, or its input when it has none.
ECHO = 'import sys\nprint(" ".join(sys.argv[1:]) or input())\n'
IGNORES_ARGS = "print(input())\n"
# Accepts when the output is the answer with the test's validator args appended.
VALIDATOR = (
    "import sys\n"
    "want = open(sys.argv[2]).read().split() + sys.argv[4:]\n"
    "sys.exit(42 if sys.stdin.read().split() == want else 43)\n"
)


def package(**extra: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "problem.yaml": PROBLEM,
        "statement/problem.en.md": "Echo.\n",
        "data/sample/1.in": "x\n",
        "data/sample/1.ans": "x\n",
        "data/secret/test_group.yaml": "args: ['5']\n",
        "data/secret/01.in": "\n",
        "data/secret/01.ans": "7 8\n",
        "data/secret/01.yaml": "args: ['7', '8']\nhint: two words\ndescription: own args\n",
        "data/secret/02.in": "\n",
        "data/secret/02.ans": "5\n",
        "submissions/accepted/echo.py": ECHO,
        "submissions/wrong_answer/ignores.py": IGNORES_ARGS,
    }
    files.update(extra)
    return files


def test_settings_are_read_inherited_and_exported(app, tmp_path: Path) -> None:
    result = import_package(write_tree(tmp_path / "echo", package()))
    meta = result.challenge.package_meta
    assert meta["run_args"] == {
        "data/secret/01": {"args": ["7", "8"]},
        "data/secret/02": {"args": ["5"]},
    }
    assert meta["test_cases"]["data/secret/01"]["hint"] == "two words"
    tests = {t.name: result.challenge.run_args(t) for t in result.challenge.tests}
    assert tests == {"1": ((), None), "01": (("7", "8"), None), "02": (("5",), None)}
    with zipfile.ZipFile(io.BytesIO(export_package(result.challenge))) as archive:
        names = archive.namelist()
        own = yaml.safe_load(archive.read(next(n for n in names if n.endswith("secret/01.yaml"))))
    assert own == {"args": ["7", "8"], "hint": "two words", "description": "own args"}


@pytest.mark.parametrize(
    ("extra", "wanted"),
    [
        ({"data/secret/01.yaml": "args: 7\n"}, "data/secret/01.yaml: args must be a sequence"),
        ({"data/secret/01.yaml": "full_feedback: maybe\n"}, "full_feedback must be true"),
        ({"data/secret/01.yaml": "hint: [1]\n"}, "hint must be a string"),
    ],
    ids=["args", "full_feedback", "hint"],
)
def test_bad_test_case_yaml_is_refused_naming_file_and_key(app, tmp_path, extra, wanted):
    with pytest.raises(ValidationError, match=wanted):
        import_package(write_tree(tmp_path / "bad", package(**extra)))


def test_an_unknown_key_warns(app, tmp_path: Path) -> None:
    result = import_package(
        write_tree(tmp_path / "warn", package(**{"data/secret/02.yaml": "colour: red\n"}))
    )
    assert "data/secret/02.yaml: unknown key 'colour' ignored" in result.warnings


@pytest.mark.docker
def test_the_program_gets_its_args_and_the_validator_its_own(app, runner, tmp_path: Path):
    require_sandbox()
    import_package(write_tree(tmp_path / "echo", package()))
    result = runner.invoke(args=["problems", "verify", "echo"])
    assert result.exit_code == 0, result.output
    assert "ok accepted/echo.py" in result.output and "ok wrong_answer/ignores.py" in result.output
    # Test 02's validator gets `extra` after its usual arguments; the others get none.
    echo_extra = 'import sys\nargs = sys.argv[1:]\nprint(*args, "extra" if args == ["5"] else "")\n'
    custom = package(**{
        "problem.yaml": PROBLEM.replace("Echo args", "Echo two"),
        "output_validator/validator.py": VALIDATOR,
        "data/sample/1.yaml": "args: ['s']\n",
        "data/sample/1.ans": "s\n",
        "data/secret/02.yaml": "output_validator_args: ['extra']\n",
        "submissions/accepted/echo.py": echo_extra,
    })  # fmt: skip
    import_package(write_tree(tmp_path / "echo2", custom))
    result = runner.invoke(args=["problems", "verify", "echo2"])
    assert result.exit_code == 0, result.output
