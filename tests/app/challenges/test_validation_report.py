"""The validation report's findings: slowest accepted time against the limit, weak tests."""

from __future__ import annotations

from typing import Any

import pytest

from app.challenges.validation import solutions as validation
from app.challenges.validation.report import SolutionRun, TestRun, ValidationReport
from app.judging.outcome import JudgeOutcome, TestOutcome
from tests.factories import make_challenge, make_reference

TESTS = [("01", ""), ("02", "big"), ("03", "big")]


def _run(expected: str, verdicts: str, times: tuple[int, ...] = (), name: str = "") -> SolutionRun:
    """A run whose tests got verdicts ("A" for AC, "W" for WA) in order."""
    tests = [
        TestRun(n, g, "AC" if v == "A" else "WA", times[i] if times else 10)
        for i, ((n, g), v) in enumerate(zip(TESTS, verdicts, strict=False))
    ]
    verdict = next((t.verdict for t in tests if t.verdict != "AC"), "AC")
    return SolutionRun(name or f"{expected}.py", "python3", expected, verdict, tests)


def _report(*runs: SolutionRun, limit: int = 2000) -> ValidationReport:
    return ValidationReport(runs=list(runs), time_limit_ms=limit, test_names=list(TESTS))


def test_tests_no_wrong_solution_fails_are_listed_in_order() -> None:
    report = _report(_run("AC", "AAA"), _run("WA", "AWA"))
    assert report.ok
    assert report.weak_tests() == [("01", ""), ("03", "big")]
    assert "Tests that catch no wrong solution: 01, 03 (big)." in report.warnings()
    stored = report.stored(at="2024-01-01T00:00:00")
    assert stored["weak_tests"] == [{"name": "01", "group": ""}, {"name": "03", "group": "big"}]
    assert stored["has_wrong_solutions"] is True


def test_every_wrong_solution_counts_and_an_accepted_one_catches_nothing() -> None:
    report = _report(_run("AC", "AAA"), _run("WA", "AWA"), _run("RE", "WAA"), _run("TLE", "AAW"))
    assert report.weak_tests() == []
    assert not any("catch no wrong" in w for w in report.warnings())
    # A "wrong" solution that is accepted fails the validation, and catches no test.
    report = _report(_run("AC", "AAA"), _run("WA", "AAA"))
    assert not report.ok and report.weak_tests() == TESTS


def test_without_a_wrong_solution_the_report_asks_for_one() -> None:
    report = _report(_run("AC", "AAA"), _run("CE", ""))
    assert "No wrong solution: add a wrong solution to find weak tests." in report.warnings()
    assert report.stored(at="")["has_wrong_solutions"] is False


def test_slowest_accepted_is_reported_against_the_limit() -> None:
    report = _report(
        _run("AC", "AAA", (100, 312, 50), name="fast.py"),
        _run("AC", "AAA", (90, 80, 300), name="other.py"),
        _run("WA", "AWA", (1900, 1900, 1900)),  # a wrong solution's time is not a margin
    )
    slowest = report.slowest_accepted()
    assert slowest is not None and not slowest.too_slow
    assert (
        slowest.describe() == "slowest accepted: 312 ms of 2000 ms (16%), fast.py on test 02 (big)"
    )
    assert report.stored(at="")["slow_warning"] == ""


def test_more_than_half_the_limit_warns_but_still_passes() -> None:
    report = _report(_run("AC", "AAA", (100, 1300, 50), name="slow.py"), _run("WA", "WWW"))
    slowest = report.slowest_accepted()
    assert slowest is not None and slowest.too_slow and slowest.percent == 65
    assert report.ok
    assert report.warnings() == [slowest.warning()]
    assert "slow.py takes more than half the time limit on test 02" in slowest.warning()
    at_half = _report(_run("AC", "AAA", (1000, 0, 0))).slowest_accepted()
    assert at_half is not None and not at_half.too_slow  # exactly half keeps the margin


def test_no_accepted_run_means_no_slowest_time() -> None:
    assert _report(_run("AC", "AWA")).slowest_accepted() is None
    assert _report(_run("WA", "AWA")).stored(at="")["slowest_accepted"] == ""


@pytest.mark.parametrize(
    ("expected", "all_tests"),
    [("AC", False), ("WA", True), ("RE", True), ("MLE", True), ("OLE", True), ("TLE", False)],
)
def test_wrong_solutions_but_tle_run_every_test(app, monkeypatch, expected, all_tests) -> None:
    asked: list[bool] = []

    def judged(*args: Any, run_all: bool = False) -> JudgeOutcome:
        asked.append(run_all)
        return JudgeOutcome(expected, 0.0, tests=[TestOutcome(1, "01", "", expected)])

    monkeypatch.setattr(validation, "judge_solution", judged)
    challenge = make_challenge()
    make_reference(challenge, name="x.py", source="", expected_verdict=expected)
    report = validation.validate_challenge(challenge)
    assert asked == [all_tests]
    assert report.ok and report.test_names == [("01", "")]
