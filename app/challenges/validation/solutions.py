"""Judge a challenge's reference solutions through the real pipeline and compare verdicts.

The pipeline is called as a function through the worker seam (app/judging/runner.py), in
this process, so it sees this app's stores. A judge that can't run (no engine, no image,
damaged test data) raises ServiceUnavailable rather than guessing a verdict.
"""

from __future__ import annotations

from sqlalchemy import select

from app.challenges.validation import spec_check
from app.challenges.validation.report import (
    WRONG_VERDICTS,
    SolutionRun,
    TestRun,
    ValidationReport,
)
from app.challenges.validation.timing import derived_time_limit_ms, rule_for
from app.errors import ServiceUnavailable
from app.extensions import db
from app.judging import languages, runner
from app.judging.outcome import JudgeOutcome
from app.models import Blob, Challenge, ReferenceSolution

# Limit used while measuring accepted runs of a package that gives no time limit.
MEASURING_TIME_LIMIT_MS = 10_000


def judge_solution(
    challenge: Challenge, solution: ReferenceSolution, *, run_all: bool
) -> JudgeOutcome:
    """The pipeline's outcome for one reference solution judged against challenge."""
    if not languages.is_known(solution.language):
        raise ServiceUnavailable(
            f"{solution.name}: the judge has no language {solution.language!r}."
        )
    files = program_files(challenge, solution)
    try:
        return runner.judge_source(
            challenge,
            solution.language,
            solution.source,
            run_all=run_all,
            files=files,
            source_name=main_file_name(solution, files),
        )
    except runner.JUDGE_ERRORS as error:
        raise ServiceUnavailable(f"The judge could not run {solution.name}: {error}") from error
    finally:
        # The judge only reads: end its transaction, so none stays open across the runs.
        db.session.rollback()


def program_files(challenge: Challenge, solution: ReferenceSolution) -> dict[str, bytes] | None:
    """A folder program's files (kept at submissions/<name>/ by the package import)."""
    folder = f"submissions/{solution.name}/"
    kept = {f.path[len(folder) :]: f.sha256 for f in challenge.files if f.path.startswith(folder)}
    if not kept:
        return None
    blobs = dict(
        db.session.execute(select(Blob.sha256, Blob.data).where(Blob.sha256.in_(kept.values())))
        .tuples()
        .all()
    )
    return {name: bytes(blobs[sha256]) for name, sha256 in kept.items() if sha256 in blobs}


def main_file_name(solution: ReferenceSolution, files: dict[str, bytes] | None) -> str:
    """The name of the solution's main file: a folder program's file holding its source, else
    the solution's own (accepted/sum.py: sum.py), as a driver in include/ calls it."""
    if files:
        return next((name for name, data in files.items() if data == solution.source.encode()), "")
    return solution.name.rsplit("/", 1)[-1]


def _run(challenge: Challenge, solution: ReferenceSolution) -> SolutionRun:
    # A wrong solution runs every test, to learn which tests catch it; except an expected TLE
    # (and a 2025-09 folder judged by its rules alone): each test it fails may cost the whole
    # time limit, so it stops at its first failure, as the challenge may, and the tests after
    # that count as not caught by it. submissions.yaml rules see the tests a judgement counts
    # either way (spec_check.counted, as problemtools verifyproblem).
    all_tests = solution.expected_verdict in WRONG_VERDICTS - {"TLE"}
    outcome = judge_solution(challenge, solution, run_all=all_tests)
    tests = [
        TestRun(
            name=test.name,
            group=test.group,
            verdict=test.verdict,
            time_ms=test.time_ms,
            case_id=test.test_case_id,
            message=test.message or "",
            score=test.score,
        )
        for test in outcome.tests
    ]
    message = outcome.compile_output[:500] if outcome.verdict == "CE" else ""
    return SolutionRun(
        name=solution.name,
        language=solution.language,
        expected=solution.expected_verdict,
        verdict=outcome.verdict,
        tests=tests,
        message=message,
        score=outcome.score,
    )


def _rerun(challenge: Challenge, solution: ReferenceSolution, time_limit_ms: int) -> SolutionRun:
    """A run under another time limit, never stored: judge_solution's rollback restores it."""
    challenge.time_limit_ms = time_limit_ms
    return _run(challenge, solution)


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
            challenge.time_limit_ms = derived_time_limit_ms(rule_for(challenge), slowest)
            challenge.package_meta = {**challenge.package_meta, "time_limit_pending": False}
            report.derived = True
        else:
            challenge.time_limit_ms = previous
        db.session.commit()
        solutions = [s for s in solutions if s.expected_verdict != "AC"]
    report.runs += [_run(challenge, s) for s in solutions]
    report.time_limit_ms = challenge.time_limit_ms
    if spec_check.uses_rules(challenge):
        by_name = {s.name: s for s in accepted + solutions}
        spec_check.apply_rules(challenge, report, by_name, lambda s, ms: _rerun(challenge, s, ms))
        report.time_limit_ms = challenge.time_limit_ms
    report.test_names = [(t.name, t.group.name if t.group else "") for t in challenge.tests]
    return report
