"""Validation by a 2025-09 package's submissions.yaml: rules per submission and the time limit.

For such a challenge the folder verdict is not the test: every run must satisfy the rules
that match it (the spec's default folder rules included), and the time limit must fit the
spec's "Problem timing": T_ac * ac_to_time_limit <= time_limit (a limit problem.yaml gives is
checked, an error as problemtools makes it; one it leaves out is derived) and
time_limit * time_limit_to_tle <= T_tle. A submission that must time out is judged again under
time_limit * time_limit_to_tle and must still time out: that is `T_tle` >= that product.

The rules see the tests a judgement counts. On a pass-fail problem (stop at the first
failure) that is the tests up to and including the first one not accepted, whatever the
folder: problemtools verifyproblem does the same (its groups default to `on_reject: break`, so
its judge neither runs nor checks a test after a rejection, and `permitted` is checked on the
tests it judged). A wrong_answer or run_time_error run goes on past its first failure only to
find the tests that catch it (report.weak_tests); those later tests are not held against
its rules, as they are not for a time_limit_exceeded, rejected or brute_force run, which
stops there (each test it times out on costs a whole time limit). Scoring problems run and
check every test.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from app.challenges.validation import rules
from app.challenges.validation.report import SolutionRun, TestRun, ValidationReport
from app.challenges.validation.timing import derived_time_limit_ms, rule_for
from app.extensions import db
from app.judging import verdicts
from app.judging.outcome import TestOutcome
from app.models import Challenge, ReferenceSolution

FORMAT = "2025-09"

Rerun = Callable[[ReferenceSolution, int], SolutionRun]  # solution, time limit in ms


def uses_rules(challenge: Challenge) -> bool:
    """Whether the challenge came from a package whose submissions.yaml rules apply."""
    return (challenge.package_meta or {}).get("format") == FORMAT


def test_paths(challenge: Challenge) -> dict[int, str]:
    """Test case id -> its name under data/ (sample/1, secret/group1/01), as globs see it."""
    paths: dict[int, str] = {}
    for case in challenge.tests:
        if case.is_sample:
            paths[case.id] = f"sample/{case.name}"
        elif case.group is not None:
            paths[case.id] = f"secret/{case.group.name}/{case.name}"
        else:
            paths[case.id] = f"secret/{case.name}"
    return paths


def score_scale(challenge: Challenge) -> float:
    """Points of a full score: codedev's 0-100 score times this / 100 is the package's score."""
    kept = (challenge.package_meta or {}).get("test_groups") or {}
    secret = kept.get("data/secret", {}).get("max_score")
    if isinstance(secret, int | float) and not isinstance(secret, bool):
        return float(secret)
    if challenge.groups:
        return float(sum(group.points for group in challenge.groups))
    return 100.0


def counted(challenge: Challenge, run: SolutionRun) -> list[TestRun]:
    """The tests a judgement of the run counts (pipeline.summarize): under stop at the first
    failure, those up to and including the first one not accepted (see the module doc)."""
    if not challenge.stop_on_first_failure:
        return list(run.tests)
    failed = next((i for i, t in enumerate(run.tests) if t.verdict != "AC"), len(run.tests))
    return run.tests[: failed + 1]


def group_scores(
    challenge: Challenge, tests: list[TestRun], score: float | None
) -> dict[str, float]:
    """The aggregated score of secret (the run's, in package points) and of each of its test
    data groups (secret/<name>, in its own max_score) as the judge computed them."""
    groups = verdicts.group_rules(challenge)
    sizes: dict[str, int] = {}
    for case in challenge.tests:
        if case.group is not None:
            sizes[case.group.name] = sizes.get(case.group.name, 0) + 1
    outcomes = [TestOutcome(0, t.name, t.group, t.verdict, score=t.score) for t in tests]
    found = {
        f"secret/{name}": round(points, 6)
        for name, points in verdicts.group_earnings(outcomes, groups, sizes).items()
    }
    if score is not None:
        found["secret"] = score
    return found


def judged(
    challenge: Challenge, run: SolutionRun, paths: dict[int, str], scale: float
) -> rules.JudgedRun:
    """A validation run as the rules see it: the tests it counts (see counted)."""
    tests = counted(challenge, run)
    verdicts_by_path = {paths[t.case_id]: t.verdict for t in tests if t.case_id in paths}
    times = {paths[t.case_id]: t.time_ms for t in tests if t.case_id in paths}
    score = None if run.score is None else round(run.score * scale / 100.0, 6)
    return rules.JudgedRun(
        path=run.name,
        verdicts=verdicts_by_path,
        times_ms=times,
        score=score,
        messages=[t.message for t in tests if t.message],
        compiled=run.verdict != "CE",
        group_scores=group_scores(challenge, tests, score),
    )


def apply_rules(
    challenge: Challenge,
    report: ValidationReport,
    solutions: dict[str, ReferenceSolution],
    rerun: Rerun,
) -> None:
    """Set every run's rule_errors, raise a pending limit to the spec's lower bound, and
    check the upper bound with the submissions that must time out."""
    parsed = rules.parse_rules((challenge.package_meta or {}).get("submissions_yaml"))
    paths = test_paths(challenge)
    scale = score_scale(challenge)
    timing = rule_for(challenge)
    views = {run.name: judged(challenge, run, paths, scale) for run in report.runs}
    for run in report.runs:
        run.rule_errors = rules.check(parsed, views[run.name])
    lower = [
        rules.slowest_ms(parsed, views[run.name])
        for run in report.runs
        if rules.time_role(parsed, run.name)[0] and not run.rule_errors
    ]
    if not lower:
        report.extra_errors.append(
            "submissions: no submission bounds the time limit from below (spec: at least one)"
        )
    elif report.derived:
        needed = derived_time_limit_ms(timing, max(lower))
        if needed > challenge.time_limit_ms:
            # A wrong_answer or run_time_error submission is slower than every accepted one.
            challenge.time_limit_ms = needed
            report.time_limit_ms = needed
            db.session.commit()  # before the reruns: each ends its transaction
    elif not (challenge.package_meta or {}).get("time_limit_pending"):
        slowest = max(lower)
        if slowest * timing.ac_to_time_limit > challenge.time_limit_ms + 1e-9:
            report.extra_errors.append(
                f"problem.yaml: time_limit {challenge.time_limit_ms / 1000:g} s is below the "
                f"slowest lower-bound run ({slowest} ms) x ac_to_time_limit "
                f"({timing.ac_to_time_limit:g}) = {slowest * timing.ac_to_time_limit:g} ms: "
                "the spec wants T_ac * ac_to_time_limit <= time_limit"
            )
    high_ms = math.ceil(challenge.time_limit_ms * timing.time_limit_to_tle)
    for index, run in enumerate(report.runs):
        if not rules.time_role(parsed, run.name)[1] or run.rule_errors:
            continue
        slow = rerun(solutions[run.name], high_ms)
        again = judged(challenge, slow, paths, scale)
        if not any(v == "TLE" for v in again.verdicts.values()):
            run.rule_errors = [
                f"{run.name}: ran within time_limit * time_limit_to_tle = {high_ms} ms, so "
                f"T_tle < {high_ms} ms and no time limit fits the spec's margins"
            ]
        report.runs[index] = run
