"""`flask judge SLUG FILE --all-tests` runs past the first failure without changing the verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.factories import make_challenge
from tests.worker.judge_support import require_sandbox

pytestmark = pytest.mark.docker

WRONG_ON_40 = "a, b = map(int, input().split())\nprint(0 if a == 40 else a + b)\n"


def test_all_tests_runs_every_test_and_keeps_verdict_and_score(app, runner, tmp_path: Path) -> None:
    require_sandbox()
    challenge = make_challenge(
        tests=[("1 2\n", "3\n"), ("40 2\n", "42\n"), ("5 5\n", "10\n")],
        stop_on_first_failure=True,
        time_limit_ms=2000,
    )
    program = tmp_path / "wrong.py"
    program.write_text(WRONG_ON_40)
    results = {}
    for extra in ([], ["--all-tests"]):
        result = runner.invoke(args=["judge", challenge.slug, str(program), "--json", *extra])
        assert result.output.strip(), result
        results[bool(extra)] = json.loads(result.output[result.output.index("{") :])
    stopped, everything = results[False], results[True]
    assert [t["verdict"] for t in stopped["tests"]] == ["AC", "WA"]
    assert [t["verdict"] for t in everything["tests"]] == ["AC", "WA", "AC"]
    assert stopped["verdict"] == everything["verdict"] == "WA"
    assert stopped["score"] == everything["score"]  # the extra test is shown, not counted
    assert set(everything) == set(stopped) == {"verdict", "score", "compile_output", "tests"}
