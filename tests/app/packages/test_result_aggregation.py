"""2025-09 "Result aggregation": a pass-fail problem's groups (folders, not subtasks), a
pass-fail data/secret (all or nothing), and a scoring problem's samples, which do not count.

The judge's rule is worker.pipeline.summarize over the planned tests: these tests give it
verdicts directly (no sandbox), as a worker would after running them."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import ValidationError
from app.judging.outcome import TestOutcome
from app.models import Challenge
from app.packages import import_package
from app.scoring.attempts import groups_of
from tests.app.packages.builders import write_tree
from tests.app.packages.builders2025 import PASS_FAIL_GROUPS_YAML as PASS_FAIL
from tests.app.packages.builders2025 import SCORING_GROUPS_YAML as SCORING
from tests.app.packages.builders2025 import groups_package as package
from worker.pipeline import summarize
from worker.plan import plan_tests


def _import(tmp_path: Path, files: dict[str, str | bytes], slug: str = "add") -> Challenge:
    return import_package(write_tree(tmp_path / slug, files)).challenge


def _folder(is_sample: bool) -> str:
    return "sample" if is_sample else "secret"


def judged(challenge: Challenge, failing: tuple[str, ...] = ()) -> tuple[str, float]:
    """(verdict, score) of a judgement whose tests named `group/name` in failing got WA (a
    sample is `sample/name`, a test outside groups `secret/name`) and the others AC."""
    tests = plan_tests(challenge)
    results = [
        TestOutcome(
            test.position,
            test.name,
            test.group,
            "WA" if f"{test.group or _folder(test.is_sample)}/{test.name}" in failing else "AC",
        )
        for test in tests
    ]
    outcome = summarize(challenge, tests, results, "", {})
    return outcome.verdict, outcome.score


def test_a_pass_fail_problem_with_groups_imports(app, tmp_path: Path) -> None:
    challenge = _import(tmp_path, package(PASS_FAIL))
    assert [(group.name, group.points) for group in challenge.groups] == [
        ("big", 0.0),
        ("small", 0.0),
    ]
    assert challenge.stop_on_first_failure  # pass-fail: its groups are not subtasks
    assert challenge.package_meta["run_args"] == {"data/secret/small/01": {"args": ["--small"]}}
    assert judged(challenge) == ("AC", 100.0)
    assert judged(challenge, ("small/01",))[0] == "WA"
    # Its groups are no subtasks on an IOI board: the judgement's score is the problem's.
    assert challenge.id not in groups_of([challenge.id])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"data/secret/big/test_group.yaml": "max_score: 40\n"}, "big/test_group.yaml: max_score"),
        (
            {"data/secret/test_group.yaml": "score_aggregation: pass-fail\n"},
            "data/secret/test_group.yaml: score_aggregation",
        ),
        ({"data/secret/small/test_group.yaml": "require_pass: sample\n"}, "require_pass"),
    ],
)
def test_a_pass_fail_problem_may_not_say_how_it_scores(
    app, tmp_path: Path, extra: dict[str, str], message: str
) -> None:
    with pytest.raises(ValidationError, match=f"{message} is not permitted in a pass-fail"):
        _import(tmp_path, package(PASS_FAIL, **extra))


def test_a_pass_fail_secret_scores_all_or_nothing(app, tmp_path: Path) -> None:
    challenge = _import(
        tmp_path,
        package(
            SCORING,
            **{
                "data/secret/test_group.yaml": "score_aggregation: pass-fail\n",
                "data/secret/big/test_group.yaml": "max_score: 60\n",
                "data/secret/small/test_group.yaml": "max_score: 40\n",
            },
        ),
    )
    assert challenge.secret_aggregation() == "pass-fail"
    assert judged(challenge) == ("AC", 100.0)
    # Summed, small's 40 would count; under a pass-fail secret nothing does.
    assert judged(challenge, ("big/02",)) == ("WA", 0.0)
    assert judged(challenge, ("sample/1",)) == ("WA", 100.0)  # samples do not count
    assert challenge.id not in groups_of([challenge.id])  # one score, no subtasks


def test_a_pass_fail_secret_needs_pass_fail_groups(app, tmp_path: Path) -> None:
    files = package(
        SCORING,
        **{
            "data/secret/test_group.yaml": "score_aggregation: pass-fail\n",
            "data/secret/big/test_group.yaml": "max_score: 60\nscore_aggregation: sum\n",
            "data/secret/small/test_group.yaml": "max_score: 40\n",
        },
    )
    with pytest.raises(ValidationError, match="big/test_group.yaml: score_aggregation must be"):
        _import(tmp_path, files)


def _without_groups(problem: str, **extra: str) -> dict[str, str | bytes]:
    files = package(problem, **extra)
    for path in [p for p in files if p.startswith("data/secret/")]:
        if path.endswith("test_group.yaml") and path != "data/secret/test_group.yaml":
            del files[path]
    return files


def test_a_scoring_problems_samples_do_not_count(app, tmp_path: Path) -> None:
    challenge = _import(tmp_path, _without_groups(SCORING))
    assert not challenge.groups
    assert judged(challenge, ("sample/1",)) == ("WA", 100.0)
    assert judged(challenge, ("secret/big/01",))[1] == pytest.approx(200 / 3)
    # A validator's score.txt may give a secret test up to 100 / 3, and a sample nothing.
    maxima = [test.max_score for test in plan_tests(challenge)]
    assert maxima[0] is None and maxima[1:] == [pytest.approx(100 / 3)] * 3


def test_a_pass_fail_secret_without_groups(app, tmp_path: Path) -> None:
    files = _without_groups(
        SCORING, **{"data/secret/test_group.yaml": "score_aggregation: pass-fail\n"}
    )
    challenge = _import(tmp_path, files)
    assert judged(challenge) == ("AC", 100.0)
    assert judged(challenge, ("secret/big/02",)) == ("WA", 0.0)
    assert [test.max_score for test in plan_tests(challenge)] == [None] * 4
