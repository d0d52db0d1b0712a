"""The judging pipeline shared by the job and `flask judge`: compile once, run, check, score."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from app.judging import verdicts
from app.judging.group_dependencies import SAMPLE, blocked
from app.judging.outcome import JudgeOutcome, TestOutcome
from app.models import Challenge
from worker import interactive, multipass
from worker.blobs import ensure_blob, fetch_blob
from worker.checkers import Checker, make_checker
from worker.checkers.custom import CustomChecker
from worker.plan import PlannedTest, plan_tests, test_files, with_includes
from worker.sandbox import api

STDERR_SNIPPET = 2000
SAMPLE_OUTPUT_BYTES = 64 * 1024
_RUN_VERDICTS = {
    api.TIME_LIMIT: "TLE",
    api.MEMORY_LIMIT: "MLE",
    api.OUTPUT_LIMIT: "OLE",
    api.NONZERO: "RE",
    api.SIGNALED: "RE",
}

SandboxFactory = Callable[[str], Any]  # language id -> a context manager yielding a Sandbox


class SandboxFailure(RuntimeError):
    """The sandbox itself failed: the attempt is the judge's fault and is retried."""


def limits_for(challenge: Challenge) -> api.Limits:
    """The run limits of a challenge."""
    return api.Limits(
        time_ms=challenge.time_limit_ms,
        memory_mb=challenge.memory_limit_mb,
        output_kb=challenge.output_limit_kb,
    )


@contextmanager
def default_sandbox(language: str) -> Iterator[api.Sandbox]:
    """A warm sandbox from this host's pool, closed (never reused) afterwards."""
    sandbox = importlib.import_module("worker.sandbox").acquire(language)
    try:
        yield sandbox
    finally:
        sandbox.close()


def judge_source(
    challenge: Challenge,
    language: str,
    source: str,
    *,
    samples_only: bool = False,
    on_test: Callable[[TestOutcome, int], None] | None = None,
    sandbox_factory: SandboxFactory = default_sandbox,
    run_all: bool = False,
    files: dict[str, bytes] | None = None,
    source_name: str = "",
) -> JudgeOutcome:
    """Compile once, run the tests (ICPC style stops at the first failure unless run_all), score.

    files: the program's other files; source_name: its main file's name (kept for a driver
    in include/, see plan.with_includes)."""
    # run_all shows which tests a wrong program fails (Validate); verdict and score still
    # follow the challenge's rule (see summarize), so only the list of tests grows.
    tests = plan_tests(challenge, samples_only)
    for test in tests:  # missing or damaged test data fails the attempt before a sandbox is taken
        ensure_blob(test.input_sha256)
        ensure_blob(test.answer_sha256)
        for _, sha256 in test.files:
            ensure_blob(sha256)
    limits = limits_for(challenge)
    timings: dict[str, int] = {}
    started = time.monotonic()
    results: list[TestOutcome] = []
    with sandbox_factory(language) as sandbox:
        timings["acquire_ms"] = _ms_since(started)
        main, beside = with_includes(challenge, language, source, files, source_name)
        compiled = sandbox.compile(main, files=beside)
        timings["compile_ms"] = compiled.time_ms
        if not compiled.ok:
            return JudgeOutcome("CE", 0.0, compiled.output, timings=timings)
        checker = _checker_for(challenge)
        passes = challenge.validation_passes()
        interactive_run = challenge.is_interactive()
        not_passed: set[str] = set()  # groups (`sample`) with a test not accepted or not run
        try:
            for test in tests:
                requires = challenge.requires_of(test.group) if test.group else ()
                if not run_all and blocked(requires, not_passed):
                    # 2025-09 "Group dependencies": not run; its tests count as not accepted.
                    not_passed.add(test.group)
                    continue
                clock = time.perf_counter()
                outcome = _run_test(sandbox, checker, test, limits, passes, interactive_run)
                outcome.judge_us = int((time.perf_counter() - clock) * 1_000_000)
                results.append(outcome)
                if outcome.verdict != "AC":
                    not_passed.add(test.group or SAMPLE)
                if on_test is not None:
                    on_test(outcome, len(tests))
                if outcome.verdict != "AC" and challenge.stop_on_first_failure and not run_all:
                    break
        finally:
            checker.close()
    timings["total_ms"] = _ms_since(started)
    return summarize(challenge, tests, results, compiled.output, timings)


def summarize(
    challenge: Challenge,
    tests: list[PlannedTest],
    results: list[TestOutcome],
    compile_output: str,
    timings: dict[str, int],
) -> JudgeOutcome:
    """Aggregate verdict, score and resources of the tests the challenge's rule counts."""
    # Every result stays in the test list; under stop-at-first-failure the tests after the
    # first failure (run only for run_all) count as if they never ran.
    counted = results
    if challenge.stop_on_first_failure:
        failed = next((i for i, r in enumerate(results) if r.verdict != "AC"), len(results))
        counted = results[: failed + 1]
    verdict = verdicts.aggregate_verdict(
        [r.verdict for r in counted], first_failure=challenge.stop_on_first_failure
    )
    groups = verdicts.group_rules(challenge, {test.group for test in tests})
    sizes: dict[str, int] = {}
    for test in tests:
        sizes[test.group] = sizes.get(test.group, 0) + 1
    scored, total = counted, len(tests)
    secret = {test.position for test in tests if not test.is_sample}
    if challenge.is_scoring() and secret and not groups:
        # 2025-09 "Samples and full feedback": samples do not count in a scoring problem's
        # score (with groups they never did: no group holds them, and require_pass reads
        # them); a sample run still shows one.
        scored, total = [r for r in counted if r.position in secret], len(secret)
    score = verdicts.score(scored, total, groups, sizes, challenge.secret_aggregation())
    time_ms, memory_kb = verdicts.max_resources(counted)
    return JudgeOutcome(verdict, score, compile_output, results, time_ms, memory_kb, timings)


def _run_test(
    sandbox: api.Sandbox,
    checker: Checker,
    test: PlannedTest,
    limits: api.Limits,
    passes: int = 1,
    interactive_run: bool = False,
) -> TestOutcome:
    given = fetch_blob(test.input_sha256)
    if not isinstance(checker, CustomChecker):
        return _run_checked(sandbox, checker, test, given, limits, passes, interactive_run)
    checker.test_flags = test.validator_args
    checker.scores = (None, None)  # an earlier test's score files are not this test's
    outcome = _run_checked(sandbox, checker, test, given, limits, passes, interactive_run)
    score, error = verdicts.validator_score(outcome.verdict, *checker.scores, test.max_score)
    if error and not test.is_sample:  # on a sample a score is ignored, as the spec says
        outcome.verdict, outcome.message = "IE", error
    elif not test.is_sample:
        outcome.score = score
    return outcome


def _run_checked(
    sandbox: api.Sandbox,
    checker: Checker,
    test: PlannedTest,
    given: bytes,
    limits: api.Limits,
    passes: int,
    interactive_run: bool,
) -> TestOutcome:
    if interactive_run:
        return _run_interactive(sandbox, checker, test, given, limits, passes)
    if passes > 1:
        answer = fetch_blob(test.answer_sha256)
        return multipass.judge_passes(
            lambda data: _execute(sandbox, test, data, limits), checker, given, answer, passes
        )
    outcome, run = _execute(sandbox, test, given, limits)
    if run.status == api.OK:
        # Expected answers never enter the program's container: checked here, outside.
        result = checker.check(given, fetch_blob(test.answer_sha256), run.stdout)
        outcome.verdict, outcome.message = result.verdict, result.message
    return outcome


def _run_interactive(
    sandbox: api.Sandbox,
    checker: Checker,
    test: PlannedTest,
    given: bytes,
    limits: api.Limits,
    passes: int = 1,
) -> TestOutcome:
    """One test with the interactor beside the program (each of its passes, if multi-pass);
    only the program's time counts."""
    try:
        verdict, message, done = interactive.judge_test(
            sandbox,
            checker,
            given,
            fetch_blob(test.answer_sha256),
            limits,
            test.args,
            test_files(test),
            passes,
        )
    except api.SandboxError as error:
        raise SandboxFailure(f"test {test.name}: {error}") from error
    run = done.submission if done else None
    outcome = TestOutcome(
        position=test.position,
        name=test.name,
        group=test.group,
        verdict=verdict,
        time_ms=run.time_ms if run else 0,
        memory_kb=run.memory_kb if run else 0,
        message=message,
        test_case_id=test.test_case_id,
        wall_ms=run.wall_ms if run else 0,
        stderr=run.stderr[:STDERR_SNIPPET].decode("utf-8", "replace") if run else "",
        detail=run.message if run else "",
    )
    if test.is_sample and done is not None:
        # The solve page shows a sample's interaction where other problems show the output.
        outcome.output = done.transcript_text()[:SAMPLE_OUTPUT_BYTES]
    return outcome


def _execute(
    sandbox: api.Sandbox, test: PlannedTest, given: bytes, limits: api.Limits
) -> tuple[TestOutcome, api.RunResult]:
    """One run of the program on `given`, its verdict before any check."""
    files = test_files(test)
    if files:
        run = sandbox.run(given, limits, test.args, files=files)
    else:  # as before .files: test doubles of the older interface keep working
        run = sandbox.run(given, limits, test.args)
    if run.status == api.SANDBOX_ERROR:
        raise SandboxFailure(f"test {test.name}: {run.message or 'the runner failed'}")
    outcome = TestOutcome(
        position=test.position,
        name=test.name,
        group=test.group,
        verdict=_RUN_VERDICTS.get(run.status, "AC"),
        time_ms=run.time_ms,
        memory_kb=run.memory_kb,
        test_case_id=test.test_case_id,
        wall_ms=run.wall_ms,
        stderr=run.stderr[:STDERR_SNIPPET].decode("utf-8", "replace"),
        detail=run.message,
    )
    if test.is_sample:
        # Sample data is public: the solve page shows the author their output beside it.
        outcome.output = run.stdout[:SAMPLE_OUTPUT_BYTES].decode("utf-8", "replace")
    if run.status == api.NONZERO:
        outcome.message = f"Exited with code {run.exit_code}."
    elif run.status == api.SIGNALED:
        outcome.message = f"Killed by signal {run.signal}."
    return outcome, run


def _checker_for(challenge: Challenge) -> Checker:
    return make_checker(
        challenge.checker,
        challenge.checker_options,
        language=challenge.checker_language,
        source=challenge.checker_source,
    )


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
