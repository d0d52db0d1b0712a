"""spec_check.apply_rules: the counted tests, group scores and the spec's time-limit bounds."""

from __future__ import annotations

from dataclasses import replace

from app.challenges.validation import spec_check
from app.challenges.validation.report import SolutionRun, TestRun, ValidationReport
from app.extensions import db
from app.models import ReferenceSolution, TestGroup
from tests.factories import make_challenge


def _run(
    name: str, verdicts: list[str], case_ids: list[int], expected: str, time_ms: int = 100
) -> SolutionRun:
    tests = [
        TestRun(f"{i:02d}", "", verdict, time_ms, case_id)
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


def _nothing_reruns(solution: ReferenceSolution, time_limit_ms: int) -> SolutionRun:
    raise AssertionError("no submission here must time out")


def test_rules_see_the_tests_a_pass_fail_judgement_counts(app) -> None:
    """As problemtools (on_reject: break): after the first failure nothing is held against a
    run, in every folder, though a wrong_answer run goes on to find the tests that catch it."""
    tests = [("1\n", "1\n"), ("2\n", "2\n"), ("3\n", "3\n")]
    challenge = make_challenge(tests=tests, package_meta={"format": "2025-09"})
    ids = [t.id for t in challenge.tests]
    report = ValidationReport(
        runs=[
            _run("accepted/a.py", ["AC", "AC", "AC"], ids, "AC"),
            _run("wrong_answer/w.py", ["AC", "WA", "RE"], ids, "WA"),
            _run("brute_force/b.py", ["AC", "TLE"], ids[:2], "RULES"),
        ]
    )
    spec_check.apply_rules(challenge, report, {}, _nothing_reruns)
    assert [run.rule_errors for run in report.runs] == [[], [], []]
    assert report.ok
    # A scoring problem counts (and checks) every test.
    challenge.stop_on_first_failure = False
    spec_check.apply_rules(challenge, report, {}, _nothing_reruns)
    assert report.runs[1].rule_errors == [
        "wrong_answer: permitted ['AC', 'WA'], but secret/03 got RTE"
    ]


def test_a_given_time_limit_must_leave_the_ac_margin(app) -> None:
    """2025-09 "Problem timing": T_ac * ac_to_time_limit <= time_limit, an error if not."""
    challenge = make_challenge(
        time_limit_ms=1000,
        package_meta={"format": "2025-09", "time_multipliers": {"ac_to_time_limit": 2.0}},
    )
    ids = [t.id for t in challenge.tests]
    report = ValidationReport(runs=[_run("accepted/a.py", ["AC"], ids, "AC", time_ms=600)])
    spec_check.apply_rules(challenge, report, {}, _nothing_reruns)
    assert report.extra_errors == [
        "problem.yaml: time_limit 1 s is below the slowest lower-bound run (600 ms) x "
        "ac_to_time_limit (2) = 1200 ms: the spec wants T_ac * ac_to_time_limit <= time_limit"
    ]
    fast = ValidationReport(runs=[_run("accepted/a.py", ["AC"], ids, "AC", time_ms=500)])
    spec_check.apply_rules(challenge, fast, {}, _nothing_reruns)
    assert fast.ok


def test_group_scores_are_the_judges(app) -> None:
    challenge = make_challenge(
        tests=[("0\n", "0\n"), ("1\n", "1\n"), ("2\n", "2\n"), ("3\n", "3\n")],
        stop_on_first_failure=False,
        package_meta={
            "format": "2025-09",
            "group_aggregation": {"easy": "pass-fail", "hard": "sum"},
            "submissions_yaml": "partial/p.py:\n  secret/easy:\n    score: 30\n"
            "  secret/hard:\n    score: [40, 70]\n",
        },
    )
    easy = TestGroup(challenge_id=challenge.id, name="easy", position=1, points=30)
    hard = TestGroup(challenge_id=challenge.id, name="hard", position=2, points=70)
    db.session.add_all([easy, hard])
    db.session.flush()
    sample, one, two, three = challenge.tests
    one.group_id, two.group_id, three.group_id = easy.id, hard.id, hard.id
    db.session.commit()
    ids = [t.id for t in challenge.tests]
    partial = _run("partial/p.py", ["AC", "AC", "AC", "WA"], ids, "RULES")
    partial.tests = [
        replace(t, group=g)
        for t, g in zip(partial.tests, ["", "easy", "hard", "hard"], strict=True)
    ]
    partial.score = 65.0
    report = ValidationReport(runs=[_run("accepted/a.py", ["AC"] * 4, ids, "AC"), partial])
    spec_check.apply_rules(challenge, report, {}, _nothing_reruns)
    assert report.runs[1].rule_errors == [
        "partial/p.py on secret/hard: score must be in [40, 70], got 35.0"
    ]
