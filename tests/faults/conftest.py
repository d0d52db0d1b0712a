"""Fixtures of the fault tests: a worker environment on the session's stores, figures out."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.worker.judge_support import require_sandbox
from tests.worker.workers import worker_env

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "faults"


@pytest.fixture
def say(pytestconfig: pytest.Config) -> Callable[[str], None]:
    """Write a line to the terminal, captured output or not (the figures are the point)."""
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")

    def write(line: str) -> None:
        if reporter is None or capture is None:
            print(line)
            return
        with capture.global_and_fixture_disabled():
            reporter.write_line(line)

    return write


def write_figures(name: str, figures: dict[str, Any], say: Callable[[str], None]) -> Path:
    """Keep a test's figures in test-output/faults/<name>.json and print them."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2, default=str) + "\n")
    say(f"\n{name} figures ({path}):\n{json.dumps(figures, indent=2, default=str)}")
    return path


@pytest.fixture
def faults_env(app, stack, tmp_path) -> dict[str, str]:
    """A worker's environment on the session's stores (Docker required, no rate limit)."""
    require_sandbox()
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    return worker_env(stack, tmp_path / "blobs")


def output_dir(name: str) -> Path:
    """test-output/faults/<name>/, emptied: logs kept after the run (tmp_path is rotated away)."""
    folder = OUTPUT / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
