"""Data-driven verdicts: every program under cases/ judged through `flask judge --json`."""

from __future__ import annotations

import json

import pytest

from tests.worker.judge_support import case_challenge, discover_cases, require_sandbox

pytestmark = pytest.mark.docker


@pytest.mark.parametrize(("problem", "language", "verdict", "program"), discover_cases())
def test_program_gets_its_folder_verdict(
    app, runner, tmp_path, problem, language, verdict, program
):
    require_sandbox()
    app.config["BLOB_CACHE_DIR"] = str(tmp_path / "blobs")
    challenge = case_challenge(problem)
    result = runner.invoke(args=["judge", challenge.slug, str(program), "--json"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, result.stdout  # exactly one JSON object
    data = json.loads(lines[0])
    assert data["verdict"] == verdict, data
    if verdict == "AC":
        assert data["score"] == 100 and len(data["tests"]) == len(challenge.tests)
    if verdict == "CE":
        assert data["compile_output"].strip() and data["tests"] == []
    else:
        assert data["tests"][-1]["verdict"] == verdict  # ICPC style: stops at the failure


def test_language_is_inferred_or_refused(app, runner, tmp_path):
    case_challenge("aplusb")
    unknown = tmp_path / "main.cobol"
    unknown.write_text("DISPLAY 'hi'.")
    result = runner.invoke(args=["judge", "aplusb", str(unknown), "--json"])
    assert result.exit_code != 0 and "--language" in result.output
    missing = runner.invoke(args=["judge", "no-such-slug", str(unknown)])
    assert missing.exit_code != 0 and "no challenge" in missing.output
