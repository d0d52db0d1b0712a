"""`flask problems publish SLUG`: validates the reference solutions first, as the web does."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete

from app.extensions import db
from app.models import Challenge, ReferenceSolution
from app.packages import import_package
from tests.app.packages.builders import PY_AC, legacy_package, write_tree
from tests.worker.judge_support import require_sandbox

PASS_FAIL = "name: Add Two Numbers\nlimits:\n  time_multiplier: 5\n"


def _python_package(root: Path, changes: dict[str, str | None] | None = None) -> Challenge:
    """The legacy package with its Python submissions only (fewer runs); a None change drops
    that file."""
    files: dict[str, str | bytes] = {
        name: content
        for name, content in legacy_package(**{"problem.yaml": PASS_FAIL}).items()
        if not name.startswith("submissions/") or name.endswith(".py")
    }
    for name, content in (changes or {}).items():
        if content is None:
            files.pop(name)
        else:
            files[name] = content
    return import_package(write_tree(root, files)).challenge


def _reloaded(challenge_id: int) -> Challenge:
    db.session.expire_all()
    challenge = db.session.get(Challenge, challenge_id)
    assert challenge is not None
    return challenge


@pytest.mark.docker
def test_publish_validates_then_publishes(app, runner, tmp_path: Path) -> None:
    require_sandbox()
    challenge = _python_package(tmp_path / "addtwo")
    assert not challenge.published
    result = runner.invoke(args=["problems", "publish", "addtwo"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert sum(line.startswith("ok ") for line in lines) == 4, result.output
    assert "time limit derived from the accepted submissions" in result.output
    assert lines[-1] == "published addtwo: students can see it now"
    challenge = _reloaded(challenge.id)
    assert challenge.published
    # The report is kept as the Validate button keeps it: the solutions page shows it.
    assert challenge.package_meta["validation"]["ok"] is True
    assert len(challenge.package_meta["validation"]["runs"]) == 4


@pytest.mark.docker
def test_publish_refuses_with_the_report_when_a_solution_fails(app, runner, tmp_path) -> None:
    require_sandbox()
    challenge = _python_package(tmp_path / "mismatch", {
        "submissions/accepted/add.py": None,
        "submissions/accepted/bad.py": "print(0)\n",
        "submissions/accepted/good.py": PY_AC,
    })  # fmt: skip
    result = runner.invoke(args=["problems", "publish", "mismatch"])
    assert result.exit_code == 1
    assert "BAD accepted/bad.py (python3): expected AC, got WA" in result.output
    assert "ok accepted/good.py (python3)" in result.output
    assert result.output.endswith(
        "Error: not published: some reference solutions did not get their expected verdict\n"
    )
    challenge = _reloaded(challenge.id)
    assert not challenge.published
    assert challenge.package_meta["validation"]["ok"] is False


def test_publish_without_an_accepted_solution_refuses_before_judging(app, runner, tmp_path):
    challenge = _python_package(tmp_path / "noac")
    # Import insists on an accepted submission; an author can still delete it afterwards.
    db.session.execute(delete(ReferenceSolution).where(ReferenceSolution.expected_verdict == "AC"))
    db.session.commit()
    result = runner.invoke(args=["problems", "publish", "noac"])
    assert (result.exit_code, result.output) == (
        1, "Error: not published: Add an accepted reference solution before publishing.\n"
    )  # fmt: skip
    challenge = _reloaded(challenge.id)
    assert not challenge.published and "validation" not in challenge.package_meta


def test_publish_an_unknown_slug(app, runner) -> None:
    result = runner.invoke(args=["problems", "publish", "nope"])
    assert (result.exit_code, result.output) == (1, "Error: no challenge with the slug 'nope'\n")
