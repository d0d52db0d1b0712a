"""Multi-pass problems (2025-09) in the real sandbox: nextpass.in feeds the next run."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import ValidationError
from app.judging import runner as judge
from app.packages import import_package
from tests.app.packages.builders import write_tree
from tests.app.packages.builders2025 import multipass_package
from tests.worker.judge_support import require_sandbox

NEXT = "print(int(input()) + 1)\n"


def test_multipass_needs_an_output_validator(app, tmp_path: Path) -> None:
    files = multipass_package()
    del files["output_validator/validator.py"]
    with pytest.raises(ValidationError, match="a multi-pass problem needs an output validator"):
        import_package(write_tree(tmp_path / "nope", files))


@pytest.mark.docker
def test_passes_follow_nextpass_and_keep_the_feedback_dir(app, runner, tmp_path) -> None:
    require_sandbox()
    challenge = import_package(write_tree(tmp_path / "countup", multipass_package())).challenge
    assert challenge.validation_passes() == 3
    outcome = judge.judge_source(challenge, "python3", NEXT)
    assert [t.verdict for t in outcome.tests] == ["AC", "AC"], outcome.tests
    # The secret test took three passes (5 -> 6 -> 7 -> 8); the log grew across them.
    assert outcome.tests[1].message == "from 5 got ['6'];from 6 got ['7'];from 7 got ['8'];"
    wrong = judge.judge_source(challenge, "python3", "input()\nprint(2)\n")
    assert wrong.verdict == "WA"
    assert wrong.tests[0].message.startswith("Pass 2: from 1 got ['2'];from 2 got ['2'];")
    result = runner.invoke(args=["problems", "verify", "countup"])
    assert result.exit_code == 0, result.output


@pytest.mark.docker
def test_more_passes_than_allowed_is_a_judge_error(app, tmp_path: Path) -> None:
    require_sandbox()
    challenge = import_package(write_tree(tmp_path / "short", multipass_package(2))).challenge
    outcome = judge.judge_source(challenge, "python3", NEXT, run_all=True)
    assert [t.verdict for t in outcome.tests] == ["AC", "IE"]
    assert "more than the problem's validation_passes (2)" in outcome.tests[1].message
