"""`flask problems verify` judges a package's own submissions in the real sandbox."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from app.extensions import db
from app.models import Challenge
from app.packages import import_package
from tests.app.packages.builders import PY_AC, legacy_package, write_tree
from tests.worker.judge_support import require_sandbox

pytestmark = pytest.mark.docker

PASS_FAIL = "name: Add Two Numbers\nlimits:\n  time_multiplier: 5\n"


def test_verify_derives_the_time_limit_and_checks_every_folder(app, runner, tmp_path: Path) -> None:
    require_sandbox()
    root = write_tree(tmp_path / "addtwo", legacy_package(**{"problem.yaml": PASS_FAIL}))
    challenge = import_package(root).challenge
    assert challenge.package_meta["time_limit_pending"]
    result = runner.invoke(args=["problems", "verify", "addtwo"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith(("ok ", "BAD"))]
    assert len(lines) == 12 and all(line.startswith("ok ") for line in lines)
    db.session.expire_all()
    challenge = db.session.get(Challenge, challenge.id)
    assert challenge is not None
    # The legacy rule on the slowest accepted test this machine measured (Java's start-up can
    # take a while on a busy machine): 5x that, rounded to whole seconds, at least 1 s.
    accepted = [line for line in lines if line.startswith("ok accepted/")]
    assert len(accepted) == 3, lines
    slowest_ms = max(int(re.search(r"slowest test (\d+) ms", line)[1]) for line in accepted)
    expected_ms = 1000 * max(1, math.floor(slowest_ms * 5 / 1000 + 0.5))
    assert challenge.time_limit_ms == expected_ms, (slowest_ms, result.output)
    assert challenge.package_meta["time_limit_pending"] is False
    assert f"time limit derived from the accepted submissions: {expected_ms} ms" in result.output


def test_verify_fails_on_a_mismatch(app, runner, tmp_path: Path) -> None:
    require_sandbox()
    files = {
        k: v
        for k, v in legacy_package(**{"problem.yaml": PASS_FAIL}).items()
        if not k.startswith("submissions/") or k.endswith(".py")
    }
    # An "accepted" program that is wrong, and a "wrong_answer" program that is right.
    files["submissions/accepted/add.py"] = PY_AC
    files["submissions/accepted/bad.py"] = "print(0)\n"
    files["submissions/wrong_answer/sub.py"] = PY_AC
    import_package(write_tree(tmp_path / "mismatch", files))
    result = runner.invoke(args=["problems", "verify", "mismatch"])
    assert result.exit_code != 0
    assert "BAD accepted/bad.py (python3): expected AC, got WA" in result.output
    assert "BAD wrong_answer/sub.py (python3): expected WA, got AC" in result.output
    assert "ok accepted/add.py" in result.output
