"""Verdict aggregation, score and resource rules (pure functions)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.judging.outcome import JudgeOutcome, TestOutcome
from app.judging.verdicts import (
    VERDICT_ORDER,
    GroupRule,
    aggregate_verdict,
    group_points,
    max_resources,
    score,
)

VERDICT = st.sampled_from(["AC", "WA", "TLE", "MLE", "RE", "OLE", "IE"])


def result(verdict: str, group: str = "", time_ms: int = 0, memory_kb: int = 0) -> TestOutcome:
    return TestOutcome(1, "t", group, verdict, time_ms, memory_kb)


def test_first_failure_wins_in_icpc_style():
    assert aggregate_verdict(["AC", "TLE", "WA"], first_failure=True) == "TLE"
    assert aggregate_verdict(["AC", "WA", "RE"], first_failure=True) == "WA"


def test_most_severe_wins_otherwise():
    assert aggregate_verdict(["AC", "WA", "RE", "TLE"], first_failure=False) == "RE"
    assert aggregate_verdict(["WA", "IE"], first_failure=False) == "IE"


def test_all_accepted_and_no_tests_are_accepted():
    assert aggregate_verdict(["AC", "AC"], first_failure=True) == "AC"
    assert aggregate_verdict([], first_failure=False) == "AC"


def test_order_is_complete_and_starts_with_judge_faults():
    assert VERDICT_ORDER[0] == "IE" and VERDICT_ORDER[-1] == "AC"
    assert set(VERDICT_ORDER) == {"AC", "WA", "TLE", "MLE", "RE", "CE", "OLE", "IE"}


@given(st.lists(VERDICT, max_size=12), st.booleans())
def test_aggregate_is_ac_iff_every_test_passed(verdicts, first):
    aggregated = aggregate_verdict(verdicts, first_failure=first)
    assert (aggregated == "AC") == all(v == "AC" for v in verdicts)
    assert aggregated in verdicts or aggregated == "AC"


def test_score_is_fraction_passed_and_unrun_tests_fail():
    assert score([result("AC"), result("WA")], 2) == 50.0
    assert score([result("AC"), result("WA")], 4) == 25.0  # two tests never ran
    assert score([], 0) == 0.0


def test_group_earns_points_only_when_all_its_tests_pass():
    tests = [result("AC", "a"), result("AC", "a"), result("AC", "b"), result("WA", "b")]
    groups = [GroupRule("a", 30), GroupRule("b", 70)]
    assert score(tests, 4, groups, {"a": 2, "b": 2}) == 30.0
    # A group whose later tests never ran earns nothing.
    assert score(tests[:1], 4, groups, {"a": 2, "b": 2}) == 0.0
    # Points are scaled to 100 when they don't add up to it.
    assert score(tests[:2], 4, [GroupRule("a", 1), GroupRule("b", 1)], {"a": 2, "b": 2}) == 50.0


@given(st.lists(VERDICT, max_size=12), st.integers(0, 5))
def test_score_stays_between_0_and_100(verdicts, unrun):
    value = score([result(v) for v in verdicts], len(verdicts) + unrun)
    assert 0.0 <= value <= 100.0
    if verdicts and unrun == 0 and all(v == "AC" for v in verdicts):
        assert value == 100.0


def test_resources_are_the_maximum_over_tests():
    assert max_resources([result("AC", "", 5, 100), result("WA", "", 3, 900)]) == (5, 900)
    assert max_resources([]) == (None, None)


def test_public_json_shape():
    outcome = JudgeOutcome("WA", 50.0, "", [result("WA")])
    data = outcome.public()
    assert data["score"] == 50 and isinstance(data["score"], int)
    assert set(data) == {"verdict", "score", "compile_output", "tests"}
    assert set(data["tests"][0]) == {"name", "group", "verdict", "time_ms", "memory_kb", "message"}


@given(
    points=st.floats(min_value=0, max_value=1000),
    size=st.integers(min_value=1, max_value=30),
    data=st.data(),
)
def test_group_points_by_aggregation(points: float, size: int, data: st.DataObject) -> None:
    """Sum groups earn per passed test, pass-fail and min groups all or nothing (2025-09)."""
    passed = data.draw(st.integers(min_value=0, max_value=size))
    total = group_points(GroupRule("g", points, "sum"), passed, size)
    assert total == pytest.approx(points * passed / size)
    for aggregation in ("pass-fail", "min"):
        whole = group_points(GroupRule("g", points, aggregation), passed, size)
        assert whole == (points if passed == size else 0.0)


def test_score_of_a_summed_group() -> None:
    groups = [GroupRule("a", 30), GroupRule("b", 70, "sum")]
    tests = [
        TestOutcome(1, "1", "a", "AC", 1, 1),
        TestOutcome(2, "1", "b", "AC", 1, 1),
        TestOutcome(3, "2", "b", "WA", 1, 1),
    ]
    assert score(tests, 3, groups, {"a": 1, "b": 2}) == 65.0


@given(st.lists(VERDICT, min_size=4, max_size=4), st.integers(0, 4), st.booleans())
def test_a_pass_fail_secret_scores_all_or_nothing(verdicts, ran, grouped) -> None:
    """2025-09 data/secret `pass-fail`: 100 when every test (of every group) passed, else 0,
    against a plain reference: whatever the groups' points, and tests that never ran fail."""
    names = ("a", "a", "b", "b") if grouped else ("",) * 4
    tests = [result(v, group) for v, group in zip(verdicts[:ran], names, strict=False)]
    groups = [GroupRule("a", 30), GroupRule("b", 70)] if grouped else []
    sizes = {"a": 2, "b": 2} if grouped else None
    expected = 100.0 if ran == 4 and all(v == "AC" for v in verdicts) else 0.0
    assert score(tests, 4, groups, sizes, "pass-fail") == expected


def test_groups_without_points_score_as_no_groups() -> None:
    """A pass-fail problem's groups are folders of tests, not subtasks: the tests' fraction."""
    tests = [result("AC", "a"), result("WA", "b"), result("AC", "b"), result("AC", "")]
    groups = [GroupRule("a", 0), GroupRule("b", 0)]
    assert score(tests, 4, groups, {"a": 1, "b": 2, "": 1}) == 75.0
