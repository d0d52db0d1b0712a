"""Windows enforced by the server, with frozen time: refused submissions store nothing."""

from __future__ import annotations

import csv
import io
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.contests import participation
from app.errors import Conflict, NotFound, ValidationError
from app.extensions import db
from app.judging import service
from app.judging.outcome import JudgeOutcome
from app.models import Participant, Round, Submission
from app.scoring import boards, cache
from app.scoring import live as board_live
from app.scoring.freeze import STAFF
from app.scoring.live import CHANGED
from app.submissions.service import create_submission
from tests.factories import enroll, make_challenge, make_course, make_round, make_user

T0 = datetime(2026, 12, 1, 9, 0)
GOOD = "print(sum(map(int, input().split())))\n"


def at(moment: datetime):
    return time_machine.travel(moment.replace(tzinfo=UTC), tick=False)


def stored() -> int:
    return db.session.scalar(select(func.count(Submission.id)))


@pytest.fixture
def setup(app):
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id, published=False)  # hidden until the round
    return teacher, challenge


def submit(user, challenge, round_):
    return create_submission(user, challenge, "python3", GOOD, round_=round_)


def test_a_contest_takes_submissions_only_inside_its_window(setup):
    teacher, challenge = setup
    contest = make_round(teacher, [challenge], starts_at=T0, ends_at=T0 + timedelta(hours=1))
    student = make_user()
    with at(T0 - timedelta(seconds=1)), pytest.raises(Conflict, match="has not started"):
        submit(student, challenge, contest)
    assert db.session.scalar(select(func.count(Participant.id))) == 0  # not registered either
    with at(T0):
        inside = submit(student, challenge, contest)
    with at(T0 + timedelta(hours=1)), pytest.raises(Conflict, match="The round is over"):
        submit(student, challenge, contest)  # exactly at the end counts as after
    assert stored() == 1 and inside.round_id == contest.id and inside.participant_id
    with pytest.raises(NotFound):  # an unpublished challenge outside the round stays hidden
        create_submission(student, challenge, "python3", GOOD)


def test_a_timed_round_opens_at_start_and_closes_with_the_personal_timer(setup):
    teacher, challenge = setup
    quiz = make_round(teacher, [challenge], mode="timed", duration_minutes=30,
                      starts_at=T0, ends_at=T0 + timedelta(hours=2))  # fmt: skip
    early, late = make_user(), make_user()
    with at(T0 + timedelta(minutes=10)):
        with pytest.raises(Conflict, match="Press Start"):
            submit(early, challenge, quiz)
        participation.start(early, quiz)
        submit(early, challenge, quiz)
    with at(T0 + timedelta(minutes=40)), pytest.raises(Conflict, match="Your time is up"):
        submit(early, challenge, quiz)
    with at(T0 + timedelta(minutes=100)):
        participation.start(late, quiz)  # 20 minutes before the round closes
    with at(T0 + timedelta(minutes=119, seconds=59)):
        submit(late, challenge, quiz)
    with at(T0 + timedelta(minutes=120)), pytest.raises(Conflict):
        submit(late, challenge, quiz)
    with at(T0 + timedelta(minutes=120)), pytest.raises(Conflict, match="over"):
        participation.start(make_user(), quiz)
    assert stored() == 2


def test_an_extension_moves_one_students_timer(setup):
    teacher, challenge = setup
    quiz = make_round(teacher, [challenge], mode="timed", duration_minutes=30,
                      starts_at=T0, ends_at=T0 + timedelta(hours=2))  # fmt: skip
    student = make_user()
    with at(T0):
        participant = participation.start(student, quiz)
    participation.extend(teacher, quiz, participant.id, 15)
    with at(T0 + timedelta(minutes=44)):
        submit(student, challenge, quiz)
    with at(T0 + timedelta(minutes=45)), pytest.raises(Conflict):
        submit(student, challenge, quiz)


def test_concurrent_start_presses_open_one_window(app, setup):
    teacher, challenge = setup
    quiz = make_round(teacher, [challenge], mode="timed", duration_minutes=30)
    student = make_user()
    participation.join(student, quiz)
    errors: list[BaseException] = []

    def press() -> None:
        with app.app_context():
            try:
                participation.start(db.session.merge(student), db.session.merge(quiz))
            except BaseException as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=press) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    db.session.expire_all()
    rows = db.session.scalars(select(Participant).where(Participant.round_id == quiz.id)).all()
    assert len(rows) == 1 and rows[0].started_at is not None


def test_an_assignment_closes_at_its_cutoff_and_counts_late_credit(setup):
    teacher, challenge = setup
    course = make_course(owner=teacher)
    student, absent = make_user(), make_user(name="Zed Absent")
    enroll(course, student)
    enroll(course, absent)  # never submits: graded 0 all the same
    homework = make_round(
        teacher, [challenge], mode="assignment", visibility="course", course_id=course.id,
        starts_at=T0, due_at=T0 + timedelta(days=7), ends_at=T0 + timedelta(days=9),
        credit_windows=[(T0 + timedelta(days=8), 0.8), (T0 + timedelta(days=9), 0.5)],
    )  # fmt: skip
    with at(T0 + timedelta(days=8, hours=1)):
        late = submit(student, challenge, homework)  # late, at half credit
        judgement = late.judgements[0]
        service.start_attempt(judgement.id, "test")
        service.record_result(judgement.id, JudgeOutcome("AC", 100.0))
    with at(T0 + timedelta(days=9)), pytest.raises(Conflict, match="past its cutoff"):
        submit(student, challenge, homework)
    with at(T0 + timedelta(days=1)), pytest.raises(NotFound):
        submit(make_user(), challenge, homework)  # not in the course
    assert stored() == 1
    grades = list(csv.reader(io.StringIO(boards.grades_csv(homework))))
    assert grades[0] == ["student", "email", "A (100)", "total", "late_credit_applied"]
    assert grades[1][1:] == [student.email, "50", "50", "A 50%"]
    assert grades[2:] == [["Zed Absent", absent.email, "0", "0", ""]]


def test_an_extension_moves_the_board_and_the_grades_alike(setup, monkeypatch):
    teacher, challenge = setup
    course = make_course(owner=teacher)
    student = make_user()
    enroll(course, student)
    homework = make_round(
        teacher, [challenge], mode="assignment", visibility="course", course_id=course.id,
        starts_at=T0, due_at=T0 + timedelta(days=1), ends_at=T0 + timedelta(days=2),
        credit_windows=[(T0 + timedelta(days=2), 0.5)],
    )  # fmt: skip
    with at(T0 + timedelta(days=1, hours=1)):
        late = submit(student, challenge, homework)
        service.start_attempt(late.judgements[0].id, "test")
        service.record_result(late.judgements[0].id, JudgeOutcome("AC", 100.0))

    def board_score() -> float:
        db.session.expire_all()
        [standing] = boards.seen_board(db.session.get(Round, homework.id), STAFF).board.standings
        return standing.row.score

    def graded() -> list[str]:
        return list(csv.reader(io.StringIO(boards.grades_csv(homework))))[1][2:]

    assert board_score() == 50 and graded() == ["50", "50", "A 50%"]
    published = []
    monkeypatch.setattr(board_live, "publish", lambda channel, event: published.append(event))
    participation.extend(teacher, homework, late.participant_id, 24 * 60)  # due a day later
    assert board_score() == 100 and graded() == ["100", "100", ""]
    assert [e["participant_ids"] for e in published if e["type"] == CHANGED] == [
        [late.participant_id]
    ]
    incremental = boards.board_json(boards.seen_board(homework, STAFF), T0)
    cache.rebuild(db.session.get(Round, homework.id))
    db.session.commit()
    assert boards.board_json(boards.seen_board(homework, STAFF), T0) == incremental


def test_a_language_outside_the_rounds_list_is_refused(setup):
    teacher, challenge = setup
    contest = make_round(teacher, [challenge], languages=["cpp"])
    with pytest.raises(ValidationError, match="not allowed in this round"):
        submit(make_user(), challenge, contest)
    other = make_challenge(owner_id=teacher.id)
    with pytest.raises(NotFound, match="not part of this round"):
        create_submission(make_user(), other, "cpp", "int main(){}", round_=contest)
    assert stored() == 0


def test_teams_share_one_participant_and_a_student_is_on_one_team(setup):
    teacher, challenge = setup
    contest = make_round(teacher, [challenge], team_size=2)
    ada, bob, cy = make_user(), make_user(), make_user()
    with pytest.raises(ValidationError, match="twice"):
        participation.create_team(teacher, contest, "Twins", [ada, ada])
    with pytest.raises(ValidationError, match="1 to 2"):
        participation.create_team(teacher, contest, "Crowd", [ada, bob, cy])
    team = participation.create_team(teacher, contest, "Lambda", [ada, bob])
    with pytest.raises(Conflict, match="already on a team"):
        participation.create_team(teacher, contest, "Again", [bob, cy])
    first, second = submit(ada, challenge, contest), submit(bob, challenge, contest)
    assert first.participant_id == second.participant_id == team.id
    with pytest.raises(Exception, match="for teams"):
        submit(cy, challenge, contest)  # not on a team: may not join alone


def test_staff_do_not_stand_on_their_round(setup):
    teacher, challenge = setup
    contest = make_round(teacher, [challenge])
    with pytest.raises(Exception, match="staff do not take part"):
        submit(teacher, challenge, contest)
