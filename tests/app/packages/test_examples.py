"""The spec repository's example problems (tests/app/packages/examples/) imported as they are."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import ValidationError
from app.extensions import db
from app.judging import runner as judge
from app.models import ReferenceSolution
from app.packages import import_package
from tests.worker.judge_support import require_sandbox

EXAMPLES = Path(__file__).parent / "examples"


def _copy(name: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLES / name, tmp_path / name))


def test_passfail_example(app, tmp_path: Path) -> None:
    result = import_package(_copy("passfail", tmp_path))
    assert result.challenge.title == "Sample problem"
    # source_url is a legacy key: 2025-09 does not know it, so it warns (problemtools does too).
    assert "problem.yaml: unknown key 'source_url' ignored" in result.warnings
    assert result.challenge.package_meta["source"] == "My Contest 2024"


def test_maximal_example(app, tmp_path: Path) -> None:
    result = import_package(_copy("maximal", tmp_path))
    challenge = result.challenge
    assert challenge.title == "Sample problem"  # problem.yaml names it
    assert challenge.package_meta["names"] == {"en": "Sample problem", "sv": "Exempelproblem"}
    assert "N \\pm 42" in challenge.statement_md  # constants substituted in the statement
    assert challenge.checker == "custom"
    assert "== 42:" in (challenge.checker_source or "")  # ... and in the output validator
    assert challenge.languages == ["python3", "cpp"]
    warnings = "\n".join(result.warnings)
    assert "input_validators/validator.ctd: checktestdata and VIVA are not run" in warnings
    assert "submissions/accepted/accepted.php: no source file in a known language" in warnings
    names = set(
        db.session.scalars(
            select(ReferenceSolution.name).where(ReferenceSolution.challenge_id == challenge.id)
        )
    )
    assert names == {
        "accepted/accepted.py",
        "accepted/plain.py",
        "wrong_answer/wrong.py",
        "run_time_error/eof_error.py",
        "run_time_error/not_defined",  # a folder program: main.py beside util.py
        "time_limit_exceeded/tle.py",
    }
    kept = {f.path for f in challenge.files}
    assert {
        "solution/solution.sv.md",
        "include/python3/include.py",
        "attachments/my_attachment.txt",
    } <= kept


def test_interactive_example(app, tmp_path: Path) -> None:
    result = import_package(_copy("interactive", tmp_path))
    assert result.challenge.is_interactive()
    assert result.challenge.package_meta["type"] == ["pass-fail", "interactive"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("multipass", "multi-pass problems are not supported by codedev in this format"),
    ],
)
def test_examples_codedev_refuses_say_why(app, tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        import_package(_copy(name, tmp_path))


@pytest.mark.docker
def test_maximal_example_judges_through_its_validator(app, runner, tmp_path: Path) -> None:
    require_sandbox()
    challenge = import_package(_copy("maximal", tmp_path)).challenge
    plus = judge.judge_source(challenge, "python3", "print(int(input()) + 42)\n")
    assert plus.verdict == "AC", plus.tests
    # include/python3/include.py is added to every Python submission (constant substituted).
    uses = judge.judge_source(
        challenge, "python3", "import include\nprint(int(input()) + include.magic_constant)\n"
    )
    assert uses.verdict == "AC", uses.tests
    assert judge.judge_source(challenge, "python3", "print(int(input()) + 41)\n").verdict == "WA"
    result = runner.invoke(args=["problems", "verify", "passfail"])
    assert "no challenge" in result.output
    import_package(_copy("passfail", tmp_path))
    result = runner.invoke(args=["problems", "verify", "passfail"])
    assert result.exit_code == 0, result.output
    assert "ok wrong_answer/constant.py (python3): got WA" in result.output
