"""2025-09 score.txt / score_multiplier.txt from a custom output validator: a test's score,
summed or minimised per group, the same on the judgement and on an IOI board."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.judging import runner as judge
from app.judging import service
from app.judging.outcome import JudgeOutcome, TestOutcome
from app.judging.verdicts import GroupRule, earned_points, score, validator_score
from app.models import Round, TestGroup, User
from app.packages import import_package
from app.scoring import boards
from app.scoring.freeze import STAFF
from app.submissions.service import create_submission
from tests.app.packages.builders import write_tree
from tests.factories import make_challenge, make_round, make_user
from tests.worker.judge_support import require_sandbox

PROBLEM = (
    "problem_format_version: 2025-09\ntype: scoring\nname: Get close\n"
    "uuid: 7c0e2b5e-6f7a-4d7e-9a40-1c4f1f0e5a12\nlimits:\n  time_limit: 2\n"
)
# Input "mode target": rejects an output over the target; else "mult" scores the fraction of
# the target reached (score_multiplier.txt), "abs" the value itself (score.txt).
VALIDATOR = """import sys
mode, target = open(sys.argv[1]).read().split()
value = int(sys.stdin.read())
if value > int(target) or value < 0:
    sys.exit(43)
name = "score_multiplier.txt" if mode == "mult" else "score.txt"
with open(sys.argv[3] + name, "w") as out:
    out.write(str(value / int(target) if mode == "mult" else value))
sys.exit(42)
"""
FULL = "mode, target = input().split()\nprint(target)\n"
HALF = "mode, target = input().split()\nprint(int(target) // 2)\n"
OVER = "mode, target = input().split()\nprint(int(target) + 1)\n"


def package() -> dict[str, str | bytes]:
    return {
        "problem.yaml": PROBLEM,
        "statement/problem.en.md": "Get close to the target.\n",
        "output_validator/validate.py": VALIDATOR,
        "data/sample/1.in": "mult 10\n",
        "data/sample/1.ans": "10\n",
        "data/secret/g1/test_group.yaml": "max_score: 60\nscore_aggregation: sum\n",
        "data/secret/g1/01.in": "mult 10\n",
        "data/secret/g1/01.ans": "-\n",
        "data/secret/g1/02.in": "abs 30\n",
        "data/secret/g1/02.ans": "-\n",
        "data/secret/g2/test_group.yaml": "max_score: 40\nscore_aggregation: min\n",
        "data/secret/g2/01.in": "mult 4\n",
        "data/secret/g2/01.ans": "-\n",
        "data/secret/g2/02.in": "mult 8\n",
        "data/secret/g2/02.ans": "-\n",
        "submissions/accepted/full.py": FULL,
        "submissions/partially_accepted/half.py": HALF,
        "submissions/wrong_answer/over.py": OVER,
        "submissions/submissions.yaml": "partially_accepted:\n  score: 50\n",
    }


@pytest.mark.docker
def test_a_validators_scores_make_the_tests_and_groups_scores(app, runner, tmp_path) -> None:
    require_sandbox()
    challenge = import_package(write_tree(tmp_path / "close", package())).challenge
    half = judge.judge_source(challenge, "python3", HALF)
    # g1 (sum): 0.5 x 30 and 15 of 30; g2 (min): 0.5 x 40 twice; the sample's score ignored.
    assert [t.score for t in half.tests] == [None, 15.0, 15.0, 20.0, 20.0], half.tests
    assert (half.verdict, half.score) == ("AC", 50.0)
    full = judge.judge_source(challenge, "python3", FULL)
    assert (full.verdict, full.score) == ("AC", 100.0)
    over = judge.judge_source(challenge, "python3", OVER)
    assert over.verdict == "WA" and over.score == 0.0
    result = runner.invoke(args=["problems", "verify", "close"])
    assert result.exit_code == 0, result.output


@pytest.mark.docker
def test_a_score_over_the_tests_maximum_is_a_judge_error(app, tmp_path) -> None:
    require_sandbox()
    files = package()
    files["data/secret/g1/02.in"] = "abs 45\n"  # 45 > 30, the most a test of g1 may get
    challenge = import_package(write_tree(tmp_path / "over", files)).challenge
    outcome = judge.judge_source(challenge, "python3", FULL)
    assert outcome.tests[2].verdict == "IE", outcome.tests
    assert outcome.tests[2].message == "score.txt: 45 is not in [0, 30]."


def test_the_spec_rules_for_score_files() -> None:
    assert validator_score("AC", None, None, 30.0) == (None, "")
    assert validator_score("AC", 12.5, None, 30.0) == (12.5, "")
    assert validator_score("AC", None, 0.25, 40.0) == (10.0, "")
    assert validator_score("AC", 1.0, 0.5, 40.0)[1].startswith("The output validator wrote both")
    assert (
        validator_score("WA", 1.0, None, 40.0)[1]
        == "The output validator rejected but wrote a score."
    )
    assert validator_score("AC", 1.0, None, None)[1].endswith("for a test that gets none.")
    assert (
        validator_score("AC", None, 1.5, 40.0)[1] == "score_multiplier.txt: 1.5 is not in [0, 1]."
    )
    assert validator_score("AC", -1.0, None, 40.0)[1] == "score.txt: -1 is not in [0, 40]."
    summed, least = GroupRule("a", 60, "sum"), GroupRule("b", 40, "min")
    assert earned_points(summed, [("AC", 15.0), ("AC", None)], 2) == 45.0
    assert earned_points(summed, [("AC", 15.0), ("WA", None)], 2) == 15.0
    assert earned_points(least, [("AC", 15.0), ("AC", None)], 2) == 15.0
    assert earned_points(least, [("AC", 15.0)], 2) == 0.0  # a test never ran
    assert earned_points(least, [("AC", None), ("AC", None)], 2) == 40.0
    tests = [TestOutcome(1, "01", "", "AC", score=20.0), TestOutcome(2, "02", "", "AC")]
    assert score(tests, 2) == 70.0  # 20 of its 50, and the other's whole 50


def test_an_ioi_board_counts_a_validators_scores_as_the_judgement_did(app) -> None:
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    challenge = make_challenge(
        tests=[("1\n", "1\n"), ("2\n", "2\n"), ("3\n", "3\n"), ("4\n", "4\n")],
        owner_id=teacher.id,
        package_meta={"type": ["scoring"], "group_aggregation": {"g1": "sum", "g2": "min"}},
    )
    g1 = TestGroup(challenge_id=challenge.id, name="g1", position=0, points=60)
    g2 = TestGroup(challenge_id=challenge.id, name="g2", position=1, points=40)
    db.session.add_all([g1, g2])
    db.session.flush()
    for case, group in zip(challenge.tests, (g1, g1, g2, g2), strict=True):
        case.group_id = group.id
    db.session.commit()
    contest = make_round(teacher, [challenge], scoring="ioi")
    student = make_user(name="Ida")
    rules = [GroupRule("g1", 60, "sum", 2), GroupRule("g2", 40, "min", 2)]
    # First: g1 15 + 30, g2 min(10, 40) = 10: 55. Then g1 only 15, g2 min(40, 40): 55.
    # Best per subtask: 45 + 40 = 85, which neither judgement had alone.
    for scores in ((15.0, None, 10.0, None), (15.0, 0.0, None, None)):
        submission = create_submission(
            db.session.get(User, student.id), challenge, "python3", "print(1)\n", round_=contest
        )
        judgement = submission.judgements[0]
        service.start_attempt(judgement.id, "test")
        tests = [
            TestOutcome(i + 1, f"0{i + 1}", group, "AC", score=given)
            for i, (group, given) in enumerate(zip(("g1", "g1", "g2", "g2"), scores, strict=True))
        ]
        total = score(tests, 4, rules)
        assert total == 55.0 if scores[2] == 10.0 else total == 55.0
        service.record_result(judgement.id, JudgeOutcome("AC", total, tests=tests))
    seen = boards.seen_board(db.session.get(Round, contest.id), STAFF)
    (cell,) = [c for key, c in seen.board.cells.items() if key[1] == "A"]
    assert cell.score == 85.0
