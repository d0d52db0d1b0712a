"""Round pages through the real forms: the host creates a round, students register, Start and
submit in it through the API; refusals are clear and store nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.contests import clarifications, participation
from app.errors import Conflict
from app.extensions import db
from app.models import Participant, Round, Submission, utcnow
from app.submissions.service import create_submission
from tests.conftest import submit
from tests.factories import enroll, make_challenge, make_course, make_round, make_user

GOOD = "print(sum(map(int, input().split())))\n"


def form_time(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_a_teacher_creates_a_timed_round_from_the_form(client, auth):
    teacher = make_user(role="teacher")
    course = make_course(owner=teacher)
    first = make_challenge(owner_id=teacher.id, slug="warm-up")
    make_challenge(owner_id=teacher.id, slug="main-course")
    auth.login(teacher.email)
    start = utcnow().replace(second=0, microsecond=0)
    fields = {
        "name": "Lab quiz 3", "mode": "timed", "scoring": "icpc", "course_id": course.id,
        "visibility": "course", "starts_at": form_time(start),
        "ends_at": form_time(start + timedelta(hours=3)), "duration_minutes": "45",
        "penalty_minutes": "20", "team_size": "1", "gold": "1", "silver": "1", "bronze": "1",
        "problems": "warm-up A 50\nmain-course B 100\n",
    }  # fmt: skip
    response = submit(client, "/rounds/new", {**fields, "freeze_at": form_time(start - timedelta(hours=1))})
    assert response.status_code == 400 and "The freeze must fall inside the contest" in response.text
    assert db.session.scalar(select(func.count(Round.id))) == 0
    response = submit(client, "/rounds/new", {**fields, "problems": "warm-up\nnope\n"})
    assert response.status_code == 400 and "no challenge &#39;nope&#39;" in response.text
    response = submit(client, "/rounds/new", fields)
    assert response.status_code == 302, response.text
    round_ = db.session.scalar(select(Round))
    assert (round_.mode, round_.duration_minutes, [p.label for p in round_.problems]) == (
        "timed", 45, ["A", "B"]
    )
    assert round_.problems[0].challenge_id == first.id and round_.problems[0].points == 50
    page = client.get(f"/rounds/{round_.id}/edit")
    assert page.status_code == 200 and "warm-up A 50" in page.text


def test_a_student_starts_a_timed_round_and_submits_in_it(client, auth, app):
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    course = make_course(owner=teacher)
    student = make_user()
    enroll(course, student)
    challenge = make_challenge(owner_id=teacher.id, published=False)
    quiz = make_round(teacher, [challenge], mode="timed", duration_minutes=30,
                      visibility="course", course_id=course.id)  # fmt: skip
    auth.login(student.email)
    home = client.get(f"/rounds/{quiz.id}")
    assert home.status_code == 200 and 'data-testid="start"' in home.text
    assert "The problems open when you press Start" in home.text
    body = {"challenge": challenge.slug, "language": "python3", "source": GOOD, "round": quiz.id}
    refused = client.post("/api/v1/submissions", json=body)
    assert refused.status_code == 404  # the problems stay secret until Start
    assert client.get(f"/solve/{challenge.slug}?round={quiz.id}").status_code == 404
    assert submit(client, f"/rounds/{quiz.id}/start", {}, page=f"/rounds/{quiz.id}").status_code == 302
    assert client.get(f"/solve/{challenge.slug}?round={quiz.id}").status_code == 200
    created = client.post("/api/v1/submissions", json=body)
    assert created.status_code == 201, created.text
    submission = db.session.get(Submission, created.json["id"])
    assert submission.round_id == quiz.id
    home = client.get(f"/rounds/{quiz.id}")
    assert 'data-testid="status-A"' in home.text and "judging" in home.text
    assert client.get(f"/rounds/{quiz.id}/clock.json").json["state"] == "started"


@pytest.mark.parametrize("before_start", ["asked a question", "was refused a submission",
                                          "was put in a team"])  # fmt: skip
def test_a_timed_rounds_start_stays_until_the_student_presses_it(client, auth, app, before_start):
    """Whatever registers a student before Start, the page offers Start until it is pressed."""
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id, published=False)
    quiz = make_round(teacher, [challenge], mode="timed", duration_minutes=30,
                      team_size=2 if before_start == "was put in a team" else 1)  # fmt: skip
    student = make_user()
    if before_start == "asked a question":
        clarifications.ask(student, quiz, None, "Which room are we in?")
    elif before_start == "was refused a submission":
        with pytest.raises(Conflict, match="Press Start"):
            create_submission(student, challenge, "python3", GOOD, round_=quiz)
        assert db.session.scalar(select(func.count(Participant.id))) == 0  # nothing stored
    else:
        participation.create_team(teacher, quiz, "Pair", [student, make_user()])
    auth.login(student.email)
    home = client.get(f"/rounds/{quiz.id}").text
    assert 'data-testid="start"' in home and "The problems open when you press Start" in home
    assert submit(client, f"/rounds/{quiz.id}/start", {}, page=f"/rounds/{quiz.id}").status_code == 302
    home = client.get(f"/rounds/{quiz.id}").text
    assert 'data-testid="start"' not in home and 'data-testid="problem-A"' in home
    assert db.session.scalar(select(func.count(Participant.id))) == 1


def test_outside_the_window_the_api_answers_409_and_stores_nothing(client, auth, app):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    past = utcnow() - timedelta(hours=3)
    contest = make_round(teacher, [challenge], starts_at=past, ends_at=past + timedelta(hours=1))
    student = make_user()
    auth.login(student.email)
    body = {"challenge": challenge.slug, "language": "python3", "source": GOOD,
            "round": contest.id}  # fmt: skip
    response = client.post("/api/v1/submissions", json=body)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "closed"
    assert "The round is over" in response.json["error"]["message"]
    assert db.session.scalar(select(func.count(Submission.id))) == 0
    bad = client.post("/api/v1/submissions", json={**body, "round": "x"})
    assert bad.status_code == 400 and bad.json["error"]["message"].startswith("`round`")


def test_rounds_list_and_registration_by_invite_link(client, auth):
    teacher = make_user(role="teacher")
    hidden = make_round(teacher, visibility="invite", name="Invite only")
    public = make_round(teacher, name="Open cup")
    student = make_user()
    auth.login(student.email)
    listing = client.get("/rounds/")
    assert "Open cup" in listing.text and "Invite only" not in listing.text
    dashboard = client.get("/dashboard").text
    assert "Open cup" in dashboard and "Invite only" not in dashboard
    assert client.get(f"/rounds/{hidden.id}").status_code == 404
    link = f"/rounds/{hidden.id}/invite/{hidden.invite_code}"
    assert client.get(link).status_code == 200
    assert client.get(f"/rounds/{hidden.id}/invite/wrong").status_code == 404
    response = submit(client, f"/rounds/{hidden.id}/join", {"invite": hidden.invite_code}, page=link)
    assert response.status_code == 302
    assert client.get(f"/rounds/{hidden.id}").status_code == 200
    assert submit(client, f"/rounds/{public.id}/join", {}, page=f"/rounds/{public.id}").status_code == 302
    assert db.session.scalar(select(func.count(Participant.id))) == 2
    no_csrf = client.post(f"/rounds/{public.id}/join")
    assert no_csrf.status_code == 400


def test_the_host_makes_a_team_on_the_monitor(client, auth):
    teacher = make_user(role="teacher")
    contest = make_round(teacher, team_size=2)
    ada, bob = make_user(email="ada@example.org"), make_user(email="bob@example.org")
    auth.login(teacher.email)
    monitor = f"/rounds/{contest.id}/monitor"
    assert 'id="team-form"' in client.get(monitor).text
    refused = submit(client, f"/rounds/{contest.id}/teams",
                     {"name": "Lambda", "members": "ada@example.org nobody@example.org"},
                     page=monitor, follow_redirects=True)  # fmt: skip
    assert "No account for nobody@example.org" in refused.text
    assert db.session.scalar(select(func.count(Participant.id))) == 0
    submit(client, f"/rounds/{contest.id}/teams",
           {"name": "Lambda", "members": "ada@example.org, BOB@example.org"}, page=monitor)
    team = db.session.scalar(select(Participant).where(Participant.round_id == contest.id))
    assert team.name == "Lambda" and {m.user_id for m in team.members} == {ada.id, bob.id}


def test_the_monitor_refreshes_its_tables_not_the_page(client, auth):
    teacher = make_user(role="teacher")
    contest = make_round(teacher)
    auth.login(teacher.email)
    page = client.get(f"/rounds/{contest.id}/monitor").text
    assert 'http-equiv="refresh"' not in page  # a reload would wipe an extension being typed
    assert "js/monitor.js" in page
    for part in ("queue", "participant-count", "participants", "recent"):
        assert f'data-refresh="{part}"' in page
