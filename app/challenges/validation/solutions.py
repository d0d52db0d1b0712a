"""Judge a challenge's reference solutions through the real pipeline and compare verdicts.

The pipeline's stable entry point is the `flask judge SLUG FILE --language L --json`
command (DESIGN.md); it is called in-process so it sees this app's stores. When no such
command is registered, judging raises ServiceUnavailable rather than guessing a verdict.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tempfile
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import ScriptInfo
from sqlalchemy import select

from app.challenges.validation.report import (
    WRONG_VERDICTS,
    SolutionRun,
    TestRun,
    ValidationReport,
)
from app.errors import ServiceUnavailable
from app.extensions import db
from app.models import Challenge, ReferenceSolution
from app.packages.config import EXTENSION_FOR_LANGUAGE, ProblemConfig, derived_time_limit_ms

# Limit used while measuring accepted runs of a package that gives no time limit.
MEASURING_TIME_LIMIT_MS = 10_000


def _file_name(solution_name: str, language: str, source: str) -> str:
    """A file name the judge infers the same language from (Java needs its class name)."""
    extension = EXTENSION_FOR_LANGUAGE.get(language, ".txt")
    base = solution_name.rsplit("/", 1)[-1]
    if base.endswith(extension) and base[0].isalnum():
        return base
    if language == "java":
        match = re.search(r"public\s+(?:final\s+)?class\s+(\w+)", source)
        return (match.group(1) if match else "Main") + extension
    return "solution" + extension


def judge_source(
    challenge: Challenge, name: str, language: str, source: str, *, all_tests: bool = False
) -> dict[str, Any]:
    """The pipeline's JSON result for one source judged against challenge."""
    command = current_app.cli.commands.get("judge")
    if command is None:
        raise ServiceUnavailable(
            "The judging pipeline (`flask judge`) is not installed, so solutions can't be run."
        )
    with tempfile.TemporaryDirectory(prefix="codedev-ref-") as folder:
        path = Path(folder) / _file_name(name, language, source)
        path.write_text(source, encoding="utf-8")
        args = [challenge.slug, str(path), "--language", language, "--json"]
        if all_tests:
            args.append("--all-tests")
        out = io.StringIO()
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        with contextlib.redirect_stdout(out):
            try:
                command.main(
                    args=args,
                    prog_name="flask judge",
                    standalone_mode=False,
                    obj=ScriptInfo(create_app=lambda: app),
                )
            except SystemExit:
                pass  # a non-zero exit for a rejected verdict still printed its JSON
            except click.ClickException as error:
                raise ServiceUnavailable(f"The judge refused: {error.format_message()}") from error
    text = out.getvalue().strip()
    try:
        return json.loads(text[text.index("{") :])
    except ValueError as error:
        raise ServiceUnavailable(f"The judge printed no JSON result: {text[:200]!r}") from error


def _run(challenge: Challenge, solution: ReferenceSolution) -> SolutionRun:
    # A wrong solution runs every test, to learn which tests catch it; except an expected TLE:
    # each test it fails costs the whole time limit, so it stops at its first failure, as
    # the challenge may, and the tests after that count as not caught by it.
    all_tests = solution.expected_verdict in WRONG_VERDICTS - {"TLE"}
    result = judge_source(
        challenge, solution.name, solution.language, solution.source, all_tests=all_tests
    )
    tests = [
        TestRun(
            name=str(test.get("name", "")),
            group=str(test.get("group") or ""),
            verdict=str(test.get("verdict", "IE")),
            time_ms=int(test.get("time_ms") or 0),
        )
        for test in result.get("tests", [])
    ]
    message = str(result.get("compile_output") or "")[:500] if result.get("verdict") == "CE" else ""
    return SolutionRun(
        name=solution.name,
        language=solution.language,
        expected=solution.expected_verdict,
        verdict=str(result.get("verdict", "IE")),
        tests=tests,
        message=message,
    )


def _config_for(challenge: Challenge) -> ProblemConfig:
    """The timing rule of the package the challenge came from (draft rule by default)."""
    meta = challenge.package_meta or {}
    config = ProblemConfig(version=str(meta.get("format", "2023-07-draft")))
    for key, value in (meta.get("time_multipliers") or {}).items():
        if hasattr(config, key):
            setattr(config, key, float(value))
    return config


def validate_challenge(challenge: Challenge) -> ValidationReport:
    """Judge every reference solution; derive the time limit first when the package gave none.

    Accepted solutions run first. If the time limit is still pending they run under a
    generous limit, the limit is set from the slowest test time by the package's rule
    (see derived_time_limit_ms) and committed, then the other solutions run under it.
    """
    solutions = list(
        db.session.scalars(
            select(ReferenceSolution)
            .where(ReferenceSolution.challenge_id == challenge.id)
            .order_by(ReferenceSolution.expected_verdict != "AC", ReferenceSolution.id)
        )
    )
    report = ValidationReport()
    pending = bool((challenge.package_meta or {}).get("time_limit_pending"))
    accepted = [s for s in solutions if s.expected_verdict == "AC"]
    if pending and accepted:
        previous = challenge.time_limit_ms
        challenge.time_limit_ms = MEASURING_TIME_LIMIT_MS
        db.session.commit()
        report.runs += [_run(challenge, s) for s in accepted]
        if all(run.ok for run in report.runs):
            slowest = max(run.slowest_ms for run in report.runs)
            challenge.time_limit_ms = derived_time_limit_ms(_config_for(challenge), slowest)
            challenge.package_meta = {**challenge.package_meta, "time_limit_pending": False}
            report.derived = True
        else:
            challenge.time_limit_ms = previous
        db.session.commit()
        solutions = [s for s in solutions if s.expected_verdict != "AC"]
    report.runs += [_run(challenge, s) for s in solutions]
    report.time_limit_ms = challenge.time_limit_ms
    report.test_names = [(t.name, t.group.name if t.group else "") for t in challenge.tests]
    return report
