"""submissions.yaml rules (2025-09): globs, default folders, checks, time-limit roles."""

from __future__ import annotations

import pytest

from app.challenges.validation import rules
from app.errors import ValidationError


def run(path: str, verdicts: dict[str, str], score: float | None = None) -> rules.JudgedRun:
    return rules.JudgedRun(path, verdicts, {t: 10 for t in verdicts}, score)


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("accepted", "accepted/a.py", True),
        ("accepted/*", "accepted/a.py", True),
        ("accepted/*", "wrong_answer/a.py", False),
        ("*/a.py", "accepted/a.py", True),
        ("accepted/{a,b}.py", "accepted/b.py", True),
        ("accepted/{a,b}.py", "accepted/c.py", False),
        ("secret/*-easy", "secret/01-easy/1", True),
        ("secret/*", "sample/1", False),
        ("*", "accepted/x/main.py", True),  # a parent folder matches
        ("acc*", "accepted/deep/x.py", True),
        ("accepted/*.py", "accepted/deep/x.py", False),  # `*` never crosses a /
    ],
)
def test_globs(pattern: str, path: str, expected: bool) -> None:
    assert rules.matches(pattern, path) is expected


def test_default_folder_rules() -> None:
    parsed = rules.parse_rules(None)
    assert rules.check(parsed, run("accepted/a.py", {"sample/1": "AC", "secret/1": "AC"})) == []
    errors = rules.check(parsed, run("accepted/a.py", {"sample/1": "AC", "secret/1": "WA"}))
    assert errors == ["accepted: permitted ['AC'], but secret/1 got WA"]
    assert rules.check(parsed, run("wrong_answer/w.py", {"secret/1": "AC"})) == [
        "wrong_answer: required one of ['WA'] on some test"
    ]
    # Memory and output limits are run-time errors in the spec's verdicts.
    assert rules.check(parsed, run("run_time_error/m.py", {"secret/1": "MLE"})) == []
    assert rules.check(parsed, run("rejected/r.py", {"secret/1": "TLE"})) == []
    assert rules.check(parsed, run("brute_force/b.py", {"s/1": "WA"}))  # WA not permitted


def test_file_rules_per_group_score_and_override() -> None:
    parsed = rules.parse_rules(
        "time_limit_exceeded:\n  permitted: [AC, WA, TLE]\n"
        "partial/*:\n  score: [40, 60]\n  secret/easy:\n    permitted: [AC]\n"
        "  secret/hard:\n    required: [TLE]\n"
    )
    # The folder override keeps the default's required: [TLE].
    assert rules.check(parsed, run("time_limit_exceeded/t.py", {"secret/1": "WA"})) == [
        "time_limit_exceeded: required one of ['TLE'] on some test"
    ]
    good = run("partial/p.py", {"secret/easy/1": "AC", "secret/hard/1": "TLE"}, score=50)
    assert rules.check(parsed, good) == []
    bad = run("partial/p.py", {"secret/easy/1": "WA", "secret/hard/1": "AC"}, score=70)
    assert rules.check(parsed, bad) == [
        "partial/*: score must be in [40, 60], got 70",
        "partial/* on secret/easy: permitted ['AC'], but secret/easy/1 got WA",
        "partial/* on secret/hard: required one of ['TLE'] on some test",
    ]


def test_time_limit_roles() -> None:
    parsed = rules.parse_rules("accepted/slow.py:\n  use_for_time_limit: false\n")
    assert rules.time_role(parsed, "accepted/a.py") == (True, False)
    assert rules.time_role(parsed, "wrong_answer/w.py") == (True, False)
    assert rules.time_role(parsed, "time_limit_exceeded/t.py") == (False, True)
    assert rules.time_role(parsed, "brute_force/b.py") == (False, False)
    assert rules.time_role(parsed, "rejected/r.py") == (False, False)
    # Opting out on one glob leaves the folder's rule in force (the spec says: every glob).
    assert rules.time_role(parsed, "accepted/slow.py") == (True, False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("accepted: [1]\n", "must map to a map"),
        ("a.py:\n  permitted: [OK]\n", "permitted must be a list of AC, WA, TLE, RTE"),
        ("a.py:\n  score: high\n", "score must be a number"),
        ("a.py:\n  use_for_time_limit: maybe\n", "use_for_time_limit must be"),
        ("a.py: [unclosed\n", "malformed YAML"),
    ],
)
def test_bad_rules_name_the_file_and_key(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=f"submissions/submissions.yaml: .*{message}"):
        rules.parse_rules(text)


def test_a_score_under_a_test_group_is_that_groups_score() -> None:
    """The spec's "Test data groups": `score` there bounds the group's aggregated score."""
    parsed = rules.parse_rules(
        "partial/p.py:\n  secret/group1:\n    score: 30\n  secret/*:\n    score: [0, 50]\n"
        "partial/q.py:\n  sample:\n    score: 0\n"
    )
    scores = {"secret": 65.0, "secret/group1": 30.0, "secret/group2": 35.0}
    good = rules.JudgedRun("partial/p.py", {"secret/group1/1": "AC"}, {}, 65.0)
    good.group_scores = scores
    assert rules.check(parsed, good) == []
    bad = rules.JudgedRun("partial/p.py", {"secret/group1/1": "WA"}, {}, 70.0)
    bad.group_scores = {**scores, "secret/group1": 0.0, "secret/group2": 70.0}
    assert rules.check(parsed, bad) == [
        "partial/p.py on secret/group1: score must be in [30, 30], got 0.0",
        "partial/p.py on secret/*: score must be in [0, 50], got 70.0 on secret/group2",
    ]
    # A score on something that has none is reported, not skipped.
    unscored = rules.JudgedRun("partial/q.py", {"sample/1": "AC"}, {}, 65.0)
    unscored.group_scores = scores
    assert rules.check(parsed, unscored) == [
        "partial/q.py on sample: score is for test data groups with a score, and sample names "
        "none of them (secret, secret/group1, secret/group2)"
    ]
