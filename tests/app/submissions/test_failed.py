"""Failed judgements: the reason and attempts for the challenge's staff, never for the student."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Judgement, utcnow
from app.submissions import solve as service
from tests.conftest import submit
from tests.factories import make_challenge, make_submission, make_user

REASON = "docker: sandbox pool exhausted (secret-host-7f3)"


def _failed(student, challenge, reason: str = REASON, attempts: int = 3):
    return make_submission(student, challenge, status="failed", verdict="IE", error=reason,
                           attempts=attempts)  # fmt: skip


def _count() -> int:
    return db.session.scalar(select(func.count(Judgement.id))) or 0


def test_staff_see_reason_and_attempts_beside_rejudge(client, auth):
    teacher = make_user(role="teacher")
    submission = _failed(make_user(), make_challenge(owner_id=teacher.id))
    auth.login(teacher.email)
    html = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert REASON in html
    assert "gave up after 3 attempts" in html
    failure = html[html.index('id="judge-failure"') :]
    assert failure.index(REASON) < failure.index(">Rejudge</button>")  # in the rejudge form
    assert "your teacher has been told" not in html


def test_student_sees_only_that_an_internal_error_happened(client, auth):
    student = make_user()
    submission = _failed(student, make_challenge())
    auth.login(student.email)
    html = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Internal error — your teacher has been told." in html
    assert REASON not in html and "secret-host" not in html and "attempt" not in html.lower()
    assert "Rejudge" not in html
    api = client.get(f"/api/v1/submissions/{submission.id}").get_json()
    assert api["status"] == "failed" and api["verdict"] == "IE"
    assert "error" not in api["judgement"] and "attempts" not in api["judgement"]
    state = service.submission_view(student, submission.id)
    assert "secret-host" not in str(state)


def test_failed_list_shows_what_the_teacher_runs_and_rejudges_from_it(client, auth):
    teacher = make_user(role="teacher")
    mine = make_challenge(owner_id=teacher.id, title="Mine")
    theirs = make_challenge(owner_id=make_user(role="teacher").id, title="Theirs")
    student = make_user(name="Ada")
    first = _failed(student, mine)
    _failed(student, mine, reason="worker died twice", attempts=2)
    _failed(student, theirs, reason="not for this teacher")
    make_submission(student, mine, status="done", verdict="WA")
    auth.login(teacher.email)
    html = client.get("/submissions/failed").get_data(as_text=True)
    assert REASON in html and "worker died twice" in html and "Ada" in html
    assert "not for this teacher" not in html
    assert html.count(">Rejudge</button>") == 2

    page = "/submissions/failed"
    response = submit(client, f"/submissions/{first.id}/rejudge", {"back": "failed"}, page=page)
    assert response.status_code == 302 and response.headers["Location"].endswith(page)
    assert _count() == 5
    html = client.get(page).get_data(as_text=True)  # a queued rejudge takes it off the list
    assert REASON not in html and "worker died twice" in html

    submit(client, "/submissions/failed/rejudge", {}, page=page)
    assert _count() == 6
    assert "No failed judgements" in client.get(page).get_data(as_text=True)


def test_failed_list_of_one_challenge_from_its_history(client, auth):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    other = make_challenge(owner_id=teacher.id)
    _failed(make_user(), challenge)
    _failed(make_user(), other, reason="elsewhere")
    auth.login(teacher.email)
    history = client.get(f"/solve/{challenge.slug}/history").get_data(as_text=True)
    url = f"/submissions/failed?challenge={challenge.slug}"
    assert url in history
    html = client.get(url).get_data(as_text=True)
    assert REASON in html and "elsewhere" not in html
    submit(client, "/submissions/failed/rejudge", {"challenge": challenge.slug}, page=url)
    assert _count() == 3  # only this challenge's failure was rejudged


def test_students_and_other_teachers_get_no_failed_list(client, auth):
    challenge = make_challenge(owner_id=make_user(role="teacher").id)
    _failed(make_user(), challenge)
    student = make_user()
    auth.login(student.email)
    assert client.get("/submissions/failed").status_code == 403
    auth.logout()
    auth.login(make_user(role="teacher").email)
    assert REASON not in client.get("/submissions/failed").get_data(as_text=True)
    url = f"/submissions/failed?challenge={challenge.slug}"
    assert client.get(url).status_code == 403
    refused = submit(client, "/submissions/failed/rejudge", {"challenge": challenge.slug},
                     page="/dashboard")  # fmt: skip
    assert refused.status_code == 403 and _count() == 1


def test_admin_sees_every_failure(client, auth):
    _failed(make_user(), make_challenge(owner_id=make_user(role="teacher").id))
    auth.login(make_user(role="admin").email)
    assert REASON in client.get("/submissions/failed").get_data(as_text=True)
    assert "/submissions/failed" in client.get("/dashboard").get_data(as_text=True)


def test_staff_see_stalled_judgements_with_why_and_students_do_not(client, auth):
    teacher = make_user(role="teacher")
    mine = make_challenge(owner_id=teacher.id, title="Mine")
    theirs = make_challenge(owner_id=make_user(role="teacher").id, title="Theirs")
    student = make_user()
    why = "horse 4242 did not start job judge-7-0 in 90 s"
    stalled = make_submission(student, mine, status="done", verdict="AC", stalls=2,
                              stalled_at=utcnow(), stall_reason=why)  # fmt: skip
    make_submission(student, theirs, stalls=1, stalled_at=utcnow(), stall_reason="not yours")
    make_submission(student, mine, status="done", verdict="WA")
    auth.login(teacher.email)
    html = client.get("/submissions/failed").get_data(as_text=True)
    table = html[html.index('id="stalled-judgements"') :]
    assert why in table and f"#{stalled.id}" in table and "done · AC" in table
    assert "not yours" not in table and table.count("<tr>") == 2  # the head and one row
    auth.logout()
    auth.login(student.email)
    assert client.get("/submissions/failed").status_code == 403
