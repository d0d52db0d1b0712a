"""Creating rounds: each mode, and bad input refused with a message naming the field."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from app.contests.rounds import ProblemSpec, RoundSpec, check_spec, create_round
from app.errors import Forbidden, NotFound, ValidationError
from app.extensions import db
from app.models import Round
from tests.factories import make_challenge, make_course, make_round, make_user

T0 = datetime(2026, 12, 1, 9, 0)


def spec(**overrides) -> RoundSpec:
    base = RoundSpec(
        name="Lab quiz",
        mode="contest",
        starts_at=T0,
        ends_at=T0 + timedelta(hours=2),
        visibility="public",
        problems=[ProblemSpec(challenge_id=1), ProblemSpec(challenge_id=2)],
    )
    return replace(base, **overrides)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"mode": "marathon"}, "mode"),
        ({"scoring": "assignment"}, "scoring"),
        ({"ends_at": T0}, "ends_at"),
        ({"ends_at": T0 - timedelta(minutes=1)}, "ends_at"),
        ({"freeze_at": T0 + timedelta(hours=2)}, "freeze_at"),
        ({"freeze_at": T0 - timedelta(minutes=1)}, "freeze_at"),
        ({"problems": []}, "problems"),
        ({"problems": [ProblemSpec(1, "A"), ProblemSpec(2, "a")]}, "problems"),
        ({"problems": [ProblemSpec(1), ProblemSpec(1)]}, "problems"),
        ({"team_size": 4}, "team_size"),
        ({"languages": ["cobol"]}, "languages"),
        ({"visibility": "course"}, "course_id"),
        ({"mode": "timed"}, "duration_minutes"),
        ({"mode": "timed", "duration_minutes": 121}, "duration_minutes"),
        ({"duration_minutes": 30}, "duration_minutes"),
        ({"mode": "assignment"}, "due_at"),
        ({"mode": "assignment", "due_at": T0 + timedelta(hours=3)}, "due_at"),
        (
            {"mode": "assignment", "due_at": T0 + timedelta(hours=1),
             "credit_windows": [(T0 + timedelta(minutes=30), 0.8)]},
            "credit_windows",
        ),
        (
            {"mode": "assignment", "due_at": T0 + timedelta(hours=1),
             "credit_windows": [(T0 + timedelta(minutes=90), 1.5)]},
            "credit_windows",
        ),
        ({"mode": "assignment", "due_at": T0 + timedelta(hours=2),
          "freeze_at": T0 + timedelta(minutes=5)}, "freeze_at"),
        # A gap before the hard cutoff (no credit in it): the cutoff ends the last credit.
        ({"mode": "assignment", "due_at": T0 + timedelta(hours=1)}, "due_at"),
        (
            {"mode": "assignment", "due_at": T0 + timedelta(hours=1),
             "credit_windows": [(T0 + timedelta(minutes=90), 0.8)]},
            "credit_windows",
        ),
    ],
)  # fmt: skip
def test_bad_rounds_are_refused_naming_the_field(overrides, field):
    with pytest.raises(ValidationError) as refused:
        check_spec(spec(**overrides))
    assert refused.value.field == field, refused.value.message


def test_labels_and_colours_default_in_order():
    checked = spec(problems=[ProblemSpec(challenge_id=n) for n in range(1, 29)])
    check_spec(checked)
    labels = [problem.label for problem in checked.problems]
    assert labels[:3] == ["A", "B", "C"] and labels[25:] == ["Z", "AA", "AB"]
    assert all(problem.color.startswith("#") for problem in checked.problems)
    assert checked.scoring == "icpc"


def test_each_mode_is_created_with_its_problem_set(app):
    teacher = make_user(role="teacher")
    course = make_course(owner=teacher)
    first, second = (make_challenge(owner_id=teacher.id) for _ in range(2))
    problems = [ProblemSpec(first.id, points=40), ProblemSpec(second.id, label="X")]
    contest = create_round(teacher, spec(problems=problems, scoring="ioi"))
    timed = create_round(teacher, spec(mode="timed", duration_minutes=30, problems=problems,
                                       visibility="course", course_id=course.id))  # fmt: skip
    assignment = create_round(teacher, spec(
        mode="assignment", due_at=T0 + timedelta(hours=1),
        credit_windows=[(T0 + timedelta(minutes=90), 0.8), (T0 + timedelta(hours=2), 0.5)],
        problems=problems,
    ))  # fmt: skip
    db.session.expire_all()
    assert [(p.label, p.points) for p in db.session.get(Round, contest.id).problems] == [
        ("A", 40.0), ("X", 100.0)
    ]
    assert db.session.get(Round, timed.id).duration_minutes == 30
    stored = db.session.get(Round, assignment.id)
    assert [window["credit"] for window in stored.credit_windows] == [0.8, 0.5]
    assert len({contest.invite_code, timed.invite_code, assignment.invite_code}) == 3


def test_a_student_creates_no_round_and_a_teacher_only_with_own_challenges(app):
    other = make_challenge(owner_id=make_user(role="teacher").id)
    with pytest.raises(Forbidden):
        create_round(make_user(), spec(problems=[ProblemSpec(other.id)]))
    with pytest.raises(NotFound):
        create_round(make_user(role="teacher"), spec(problems=[ProblemSpec(other.id)]))
    assert db.session.query(Round).count() == 0


def test_the_state_follows_clics(app):
    round_ = make_round(starts_at=T0, freeze_at=T0 + timedelta(hours=1))
    states = [round_.state_at(T0 + timedelta(minutes=m)) for m in (-1, 0, 59, 60, 119, 120)]
    assert states == ["scheduled", "started", "started", "frozen", "frozen", "ended"]
