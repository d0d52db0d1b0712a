"""Multi-pass judging (2025-09 "Multi-pass validation"): the validator's nextpass.in is the
input of the submission's next run, up to the problem's validation_passes.

The limits apply to each run of the submission; the test's time and memory are the largest
of its passes. A validator that asks for more passes than allowed, or writes nextpass.in and
rejects, is a judge error (IE), as the spec says.
"""

from __future__ import annotations

from collections.abc import Callable

from app.judging.outcome import TestOutcome
from worker.checkers.custom import CustomChecker
from worker.sandbox import api

RunOnce = Callable[[bytes], tuple[TestOutcome, api.RunResult]]  # input -> outcome, raw run


def judge_passes(
    run_once: RunOnce, checker: object, given: bytes, answer: bytes, passes: int
) -> TestOutcome:
    """Run and check up to `passes` times; the outcome of the last pass, with the max time."""
    if not isinstance(checker, CustomChecker):
        first, _ = run_once(given)
        first.verdict, first.message = "IE", "A multi-pass problem needs its output validator."
        return first
    current = given
    time_ms = memory_kb = 0
    for number in range(1, passes + 1):
        outcome, run = run_once(current)
        time_ms, memory_kb = max(time_ms, outcome.time_ms), max(memory_kb, outcome.memory_kb)
        outcome.time_ms, outcome.memory_kb = time_ms, memory_kb
        if run.status != api.OK:
            outcome.message = f"Pass {number}: {outcome.message}".strip()
            return outcome
        result, next_input = checker.check_pass(given, answer, run.stdout, later_pass=number > 1)
        outcome.verdict, outcome.message = result.verdict, result.message
        if next_input is None or result.verdict != "AC":
            if number > 1 and result.verdict != "AC":
                outcome.message = f"Pass {number}: {outcome.message}".strip()
            return outcome
        if number == passes:
            outcome.verdict = "IE"
            outcome.message = (
                f"The output validator asked for pass {number + 1}, more than the problem's "
                f"validation_passes ({passes})."
            )
            return outcome
        current = next_input
    raise AssertionError("unreachable")
