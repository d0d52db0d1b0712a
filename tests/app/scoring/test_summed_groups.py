"""An IOI round over a 2025-09 problem whose group sums its tests: partial subtask points."""

from __future__ import annotations

from app.extensions import db
from app.judging import service
from app.judging.outcome import JudgeOutcome, TestOutcome
from app.models import Round, TestGroup, User
from app.scoring import boards
from app.scoring.freeze import STAFF
from app.submissions.service import create_submission
from tests.factories import make_challenge, make_round, make_user

GOOD = "print(sum(map(int, input().split())))\n"


def test_a_summed_group_earns_per_test_and_the_best_per_subtask_counts(app) -> None:
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    challenge = make_challenge(
        tests=[("1 2\n", "3\n"), ("1 1\n", "2\n"), ("2 2\n", "4\n"), ("3 3\n", "6\n")],
        owner_id=teacher.id,
        package_meta={"group_aggregation": {"large": "sum"}},
    )
    small = TestGroup(challenge_id=challenge.id, name="small", position=0, points=40)
    large = TestGroup(challenge_id=challenge.id, name="large", position=1, points=60)
    db.session.add_all([small, large])
    db.session.flush()
    _, first, second, third = challenge.tests
    first.group_id, second.group_id, third.group_id = small.id, large.id, large.id
    db.session.commit()
    contest = make_round(teacher, [challenge], scoring="ioi")
    student = make_user(name="Ida")
    user_id = student.id
    # small passes, large 1 of 2 (30 of 60); then small fails, large 1 of 2 again.
    for verdicts, score in ((("AC", "AC", "WA"), 70.0), (("WA", "WA", "AC"), 30.0)):
        submission = create_submission(
            db.session.get(User, user_id), challenge, "python3", GOOD, round_=contest
        )
        judgement = submission.judgements[0]
        service.start_attempt(judgement.id, "test")
        tests = [
            TestOutcome(i + 2, f"0{i + 2}", group, verdict)
            for i, (group, verdict) in enumerate(
                zip(("small", "large", "large"), verdicts, strict=True)
            )
        ]
        service.record_result(judgement.id, JudgeOutcome("WA", score, tests=tests))
    seen = boards.seen_board(db.session.get(Round, contest.id), STAFF)
    (cell,) = [c for key, c in seen.board.cells.items() if key[1] == "A"]
    # Best per subtask: small 40 (first), large 30 (either): 70, not a full 100.
    assert cell.score == 70.0 and not cell.solved
