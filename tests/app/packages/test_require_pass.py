"""2025-09 require_pass ("Group dependencies"): a group scores 0 unless its required groups
(or `sample`) were passed; the judgement's score and an IOI board's subtasks agree."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from app.errors import ValidationError
from app.extensions import db
from app.judging import runner as judge
from app.judging import service
from app.judging.group_dependencies import blocked, canonical, unpassed
from app.judging.outcome import JudgeOutcome, TestOutcome
from app.judging.verdicts import GroupRule, score
from app.models import Challenge, Round, TestGroup, User
from app.packages import export_package, import_package, import_zip_bytes
from app.scoring import boards
from app.scoring.freeze import STAFF
from app.submissions.service import create_submission
from tests.app.packages.builders import write_tree
from tests.factories import make_challenge, make_round, make_user
from tests.worker.judge_support import require_sandbox

PROBLEM = (
    "problem_format_version: 2025-09\ntype: scoring\nname: Double\n"
    "uuid: 0b6c1c1e-2f9e-4c55-9a1d-4e1d2c7f3a90\nlimits:\n  time_limit: 2\n"
)
FULL = "print(2 * int(input()))\n"
SMALL_ONLY = "n = int(input())\nprint(2 * n if n < 100 else 0)\n"  # fails g1 (big n) only
BIG_ONLY = "n = int(input())\nprint(2 * n if n >= 10 or n == 1 else 0)\n"  # fails g2 only


def package(**extra: str) -> dict[str, str | bytes]:
    """g1 (big numbers, 40) and g2 (small ones, 60), g2 requiring g1 and the sample."""
    files: dict[str, str | bytes] = {
        "problem.yaml": PROBLEM,
        "statement/problem.en.md": "Double the number.\n",
        "data/sample/1.in": "1\n",
        "data/sample/1.ans": "2\n",
        "data/secret/g1/test_group.yaml": "max_score: 40\n",
        "data/secret/g1/01.in": "500\n",
        "data/secret/g1/01.ans": "1000\n",
        "data/secret/g2/test_group.yaml": "max_score: 60\nrequire_pass: [sample, secret/g1]\n",
        "data/secret/g2/01.in": "3\n",
        "data/secret/g2/01.ans": "6\n",
        "data/secret/g2/02.in": "4\n",
        "data/secret/g2/02.ans": "8\n",
        "submissions/accepted/full.py": FULL,
        "submissions/partially_accepted/big_only.py": BIG_ONLY,
        "submissions/submissions.yaml": "partially_accepted:\n  permitted: [AC, WA]\n  score: 40\n",
    }
    files.update(extra)
    return files


def test_the_rule_blocks_a_group_whose_required_group_was_not_passed() -> None:
    ran = [("", "AC"), ("g1", "WA"), ("g2", "AC"), ("g2", "AC")]
    assert unpassed(ran, {"": 1, "g1": 1, "g2": 2}) == {"g1"}
    assert unpassed([("", "WA"), ("g1", "AC")], {"g1": 2}) == {"sample", "g1"}  # one never ran
    assert blocked(("sample", "g1"), {"g1"}) and not blocked(("sample",), {"g1"})
    assert not blocked((), {"g1", "sample"})
    assert [canonical(n) for n in ("sample", "secret/g1", "g1", "a/b", "secret", 3)] == [
        "sample", "g1", "g1", None, None, None,
    ]  # fmt: skip
    rules = [GroupRule("g1", 40), GroupRule("g2", 60, requires=("g1",))]
    tests = [TestOutcome(1, "01", "g1", "WA"), TestOutcome(2, "02", "g2", "AC")]
    assert score(tests, 2, rules, {"g1": 1, "g2": 1}) == 0.0
    assert score(tests, 2, [GroupRule("g1", 40), GroupRule("g2", 60)], {"g1": 1, "g2": 1}) == 60
    tests[0] = TestOutcome(1, "01", "g1", "AC")
    assert score(tests, 2, rules, {"g1": 1, "g2": 1}) == 100.0


G2 = "data/secret/g2/test_group.yaml"


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        (
            G2,
            "max_score: 60\nrequire_pass: g9\n",
            r"g2/test_group.yaml: require_pass: unknown group",
        ),
        (
            G2,
            "max_score: 60\nrequire_pass: [g1, {a: 1}]\n",
            r"g2/test_group.yaml: require_pass must",
        ),
        (G2, "max_score: 60\nrequire_pass: g2\n", r"require_pass: group 'g2' must come before"),
        (
            "data/secret/g1/test_group.yaml",
            "max_score: 40\nscore_aggregation: sum\n",
            r"g2/test_group.yaml: require_pass: group 'g1' must have pass-fail aggregation",
        ),
        ("data/secret/test_group.yaml", "require_pass: g1\n", "secret may only depend on sample"),
    ],
)
def test_bad_references_are_refused_naming_file_and_field(
    app, tmp_path: Path, path: str, text: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        import_package(write_tree(tmp_path / "bad", package(**{path: text})))
    assert db.session.scalar(select(func.count()).select_from(Challenge)) == 0


def test_import_keeps_the_requirements_and_the_export_writes_them_back(app, tmp_path) -> None:
    challenge = import_package(write_tree(tmp_path / "double", package())).challenge
    assert challenge.package_meta["group_require_pass"] == {"g2": ["sample", "g1"]}
    assert challenge.requires_of("g2") == ("sample", "g1") and challenge.requires_of("g1") == ()
    data = export_package(challenge)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        g2 = yaml.safe_load(archive.read("double/data/secret/g2/test_group.yaml"))
    assert g2["require_pass"] == ["sample", "secret/g1"]
    copy = import_zip_bytes(data, "copy.zip").challenge
    assert copy.package_meta["group_require_pass"] == {"g2": ["sample", "g1"]}
    everywhere = package(**{"data/secret/test_group.yaml": "require_pass: sample\n"})
    challenge = import_package(write_tree(tmp_path / "everywhere", everywhere)).challenge
    assert challenge.package_meta["group_require_pass"] == {
        "g1": ["sample"],
        "g2": ["sample", "g1"],
    }


@pytest.mark.docker
def test_a_group_passed_without_its_required_group_scores_nothing(app, runner, tmp_path) -> None:
    require_sandbox()
    challenge = import_package(write_tree(tmp_path / "double", package())).challenge
    small = judge.judge_source(challenge, "python3", SMALL_ONLY)
    # g1 failed, so g2, which requires it, is not run (the spec's "Group dependencies").
    assert [(t.group, t.verdict) for t in small.tests] == [("", "AC"), ("g1", "WA")], small.tests
    assert small.score == 0.0
    shown = judge.judge_source(challenge, "python3", SMALL_ONLY, run_all=True)  # an author's
    assert [t.verdict for t in shown.tests] == ["AC", "WA", "AC", "AC"], shown.tests
    assert shown.score == 0.0  # g2 passed, but g1 (which it requires) was not
    big = judge.judge_source(challenge, "python3", BIG_ONLY)
    assert big.score == 40.0
    full = judge.judge_source(challenge, "python3", FULL)
    assert (full.verdict, full.score) == ("AC", 100.0)
    result = runner.invoke(args=["problems", "verify", "double"])
    assert result.exit_code == 0, result.output


def test_an_ioi_board_applies_require_pass_as_the_judgement_did(app) -> None:
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    challenge = make_challenge(
        tests=[("1\n", "2\n"), ("500\n", "1000\n"), ("3\n", "6\n")],
        owner_id=teacher.id,
        package_meta={"type": ["scoring"], "group_require_pass": {"g2": ["sample", "g1"]}},
    )
    g1 = TestGroup(challenge_id=challenge.id, name="g1", position=0, points=40)
    g2 = TestGroup(challenge_id=challenge.id, name="g2", position=1, points=60)
    db.session.add_all([g1, g2])
    db.session.flush()
    challenge.tests[1].group_id, challenge.tests[2].group_id = g1.id, g2.id
    db.session.commit()
    contest = make_round(teacher, [challenge], scoring="ioi")
    student = make_user(name="Ida")
    rules = [GroupRule("g1", 40, size=1), GroupRule("g2", 60, size=1, requires=("sample", "g1"))]
    # g2 passed each time, but first without g1, then without the sample: only g1's 40 counts.
    totals = []
    for verdicts in (("AC", "WA", "AC"), ("WA", "AC", "AC")):
        submission = create_submission(
            db.session.get(User, student.id), challenge, "python3", "print(1)\n", round_=contest
        )
        judgement = submission.judgements[0]
        service.start_attempt(judgement.id, "test")
        tests = [
            TestOutcome(i + 1, f"0{i + 1}", group, verdict)
            for i, (group, verdict) in enumerate(zip(("", "g1", "g2"), verdicts, strict=True))
        ]
        totals.append(score(tests, 3, rules, {"": 1, "g1": 1, "g2": 1}))
        service.record_result(judgement.id, JudgeOutcome("WA", totals[-1], tests=tests))
    assert totals == [0.0, 40.0]
    seen = boards.seen_board(db.session.get(Round, contest.id), STAFF)
    (cell,) = [c for key, c in seen.board.cells.items() if key[1] == "A"]
    assert cell.score == 40.0
