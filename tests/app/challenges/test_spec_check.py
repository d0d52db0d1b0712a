"""spec_check.apply_rules: the upper time bound from submissions that must time out."""

from __future__ import annotations

from app.challenges.validation import spec_check
from app.challenges.validation.report import SolutionRun, TestRun, ValidationReport
from app.models import ReferenceSolution
from tests.factories import make_challenge


def _run(name: str, verdicts: list[str], case_ids: list[int], expected: str) -> SolutionRun:
    tests = [
        TestRun(f"{i:02d}", "", verdict, 100, case_id)
        for i, (verdict, case_id) in enumerate(zip(verdicts, case_ids, strict=True), start=1)
    ]
    return SolutionRun(
        name, "python3", expected, "AC" if set(verdicts) == {"AC"} else verdicts[-1], tests
    )


def test_a_tle_submission_that_passes_under_the_higher_limit_fails(app) -> None:
    challenge = make_challenge(
        tests=[("1\n", "1\n"), ("2\n", "2\n")],
        time_limit_ms=1000,
        package_meta={"format": "2025-09", "time_multipliers": {"time_limit_to_tle": 1.5}},
    )
    ids = [t.id for t in challenge.tests]
    report = ValidationReport(
        runs=[
            _run("accepted/a.py", ["AC", "AC"], ids, "AC"),
            _run("time_limit_exceeded/edge.py", ["AC", "TLE"], ids, "TLE"),
            _run("time_limit_exceeded/slow.py", ["AC", "TLE"], ids, "TLE"),
        ]
    )
    solutions = {run.name: ReferenceSolution(name=run.name) for run in report.runs}
    limits: list[int] = []

    def rerun(solution: ReferenceSolution, time_limit_ms: int) -> SolutionRun:
        limits.append(time_limit_ms)
        # edge.py fits in 1.5x the limit; slow.py still times out.
        last = "AC" if solution.name.endswith("edge.py") else "TLE"
        return _run(solution.name, ["AC", last], ids, "TLE")

    spec_check.apply_rules(challenge, report, solutions, rerun)
    assert limits == [1500, 1500]
    errors = {run.name: run.rule_errors for run in report.runs}
    assert errors["accepted/a.py"] == [] and errors["time_limit_exceeded/slow.py"] == []
    assert errors["time_limit_exceeded/edge.py"] == [
        "time_limit_exceeded/edge.py: ran within time_limit * time_limit_to_tle = 1500 ms, so "
        "T_tle < 1500 ms and no time limit fits the spec's margins"
    ]
    assert not report.ok


def test_without_a_lower_bound_submission_the_set_is_refused(app) -> None:
    challenge = make_challenge(package_meta={"format": "2025-09"})
    ids = [t.id for t in challenge.tests]
    report = ValidationReport(runs=[_run("rejected/r.py", ["WA"], ids, "RULES")])
    spec_check.apply_rules(challenge, report, {}, lambda s, ms: report.runs[0])
    assert report.extra_errors == [
        "submissions: no submission bounds the time limit from below (spec: at least one)"
    ]
    assert not report.ok
