"""2025-09 in the real sandbox: input validators on import, verify by submissions.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.errors import ValidationError
from app.extensions import db
from app.models import Challenge
from app.packages import import_package
from tests.app.packages.builders import write_tree
from tests.app.packages.builders2025 import (
    INPUT_VALIDATOR,
    TLE_SUBMISSION,
    passfail_package,
    scoring_package,
)
from tests.worker.judge_support import require_sandbox

pytestmark = pytest.mark.docker

VALIDATED = {
    "input_validators/validate.py": INPUT_VALIDATOR,
    "data/invalid_input/huge.in": "1 10000000000\n",
}


def _lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("ok ", "BAD"))]


def test_input_validators_run_on_import_and_refuse_unless_forced(app, runner, tmp_path) -> None:
    require_sandbox()
    good = import_package(write_tree(tmp_path / "good", passfail_package(**VALIDATED)))
    assert good.challenge.slug == "good"
    assert "input_validators/validate.py" in {f.path for f in good.challenge.files}

    bad = passfail_package(**{**VALIDATED, "data/secret/01.in": "5 99999999999\n"})
    root = write_tree(tmp_path / "bad", bad)
    with pytest.raises(ValidationError) as caught:
        import_package(root)
    message = caught.value.message
    assert "data/secret/01.in: rejected by input_validators/validate.py (exit code 43" in message
    assert "out of range" in message
    assert db.session.scalar(select(func.count()).select_from(Challenge)) == 1  # only "good"

    result = runner.invoke(args=["problems", "import", str(root)])
    assert result.exit_code != 0 and "input validation failed" in result.output
    forced = runner.invoke(args=["problems", "import", "--force", str(root)])
    assert forced.exit_code == 0, forced.output
    assert "warning: input validation (forced): data/secret/01.in" in forced.output


def test_an_invalid_input_every_validator_accepts_is_reported(app, tmp_path: Path) -> None:
    require_sandbox()
    files = passfail_package(**{**VALIDATED, "data/invalid_input/huge.in": "1 2\n"})
    with pytest.raises(ValidationError, match="data/invalid_input/huge.in: an invalid input"):
        import_package(write_tree(tmp_path / "lenient", files))


def test_verify_checks_submissions_yaml_and_default_folders(app, runner, tmp_path) -> None:
    require_sandbox()
    import_package(write_tree(tmp_path / "addtwo", passfail_package()))
    result = runner.invoke(args=["problems", "verify", "addtwo"])
    assert result.exit_code == 0, result.output
    lines = _lines(result.output)
    assert len(lines) == 4 and all(line.startswith("ok ") for line in lines), result.output
    assert any(line.startswith("ok rejected/crash.py (python3): got RE") for line in lines)


def test_verify_reports_each_broken_rule(app, runner, tmp_path: Path) -> None:
    require_sandbox()
    rules = (
        "rejected/crash.py:\n  required: [TLE]\n"  # it crashes instead
        "accepted/add.py:\n  message: never said\n"
    )
    files = passfail_package(**{"submissions/submissions.yaml": rules})
    import_package(write_tree(tmp_path / "broken", files))
    result = runner.invoke(args=["problems", "verify", "broken"])
    assert result.exit_code != 0
    assert "BAD rejected/crash.py (python3): got RE" in result.output
    assert "rejected/crash.py: required one of ['TLE'] on some test" in result.output
    assert "accepted/add.py: no judge message contains 'never said'" in result.output
    assert "ok accepted/add.c" in result.output


def test_verify_scores_groups_and_derives_the_limit_by_the_spec(app, runner, tmp_path) -> None:
    require_sandbox()
    challenge = import_package(
        write_tree(tmp_path / "scoring", scoring_package(**TLE_SUBMISSION))
    ).challenge
    assert challenge.package_meta["time_limit_pending"]
    result = runner.invoke(args=["problems", "verify", "scoring"])
    assert result.exit_code == 0, result.output
    assert "ok partially_accepted/partial.py (python3): got WA, score 65" in result.output
    assert "ok time_limit_exceeded/slow.py" in result.output
    db.session.expire_all()
    challenge = db.session.get(Challenge, challenge.id)
    assert challenge is not None and challenge.package_meta["time_limit_pending"] is False
    # The smallest multiple of time_resolution (0.5 s) at least 2x the slowest lower-bound run.
    assert challenge.time_limit_ms % 500 == 0 and challenge.time_limit_ms >= 500


def test_verify_refuses_a_wrong_score(app, runner, tmp_path: Path) -> None:
    require_sandbox()
    rules = "partially_accepted:\n  score: [80, 100]\n"
    files = scoring_package(**{"submissions/submissions.yaml": rules})
    import_package(write_tree(tmp_path / "wrongscore", files))
    result = runner.invoke(args=["problems", "verify", "wrongscore"])
    assert result.exit_code != 0
    assert "partially_accepted: score must be in [80, 100], got 65" in result.output
