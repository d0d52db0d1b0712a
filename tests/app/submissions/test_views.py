"""Solve page, history and staff actions through the real views (forms with CSRF)."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.extensions import db
from app.models import Judgement
from tests.conftest import submit
from tests.factories import enroll, make_challenge, make_course, make_submission, make_user

TESTS = [("1 2\n", "3\n"), ("7 8\n", "15\n")]


def judgements() -> int:
    return db.session.scalar(select(func.count(Judgement.id))) or 0


def test_solve_page_shows_statement_samples_limits_and_editor(client, auth):
    student = make_user()
    challenge = make_challenge(TESTS, statement_md="Add **two** numbers.<script>x</script>",
                               time_limit_ms=1500, memory_limit_mb=128,
                               starter_code={"python3": "# read two numbers\n"})  # fmt: skip
    auth.login(student.email)
    response = client.get(f"/solve/{challenge.slug}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>two</strong>" in html and "<script>x" not in html
    assert "Time 1.5 s" in html and "Memory 128 MB" in html
    assert '<pre class="sample-input">1 2\n</pre>' in html
    assert '<pre class="sample-output">3\n</pre>' in html
    assert "7 8" not in html  # hidden test data never reaches the page
    assert '<option value="python3">Python 3</option>' in html
    assert "# read two numbers" in html
    # Only external module scripts and a JSON data block: nothing the CSP would have to allow.
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'type="module" src=' in tag or 'type="application/json"' in tag


def test_solve_page_needs_login_and_a_visible_challenge(client, auth):
    challenge = make_challenge(TESTS, published=False)
    assert client.get(f"/solve/{challenge.slug}").status_code == 302
    auth.login(make_user().email)
    assert client.get(f"/solve/{challenge.slug}").status_code == 404


def test_student_history_lists_only_their_own(client, auth):
    student, other = make_user(), make_user()
    challenge = make_challenge(TESTS)
    mine = make_submission(student, challenge, status="done", verdict="AC", score=100.0,
                           source="print('mine')\n")  # fmt: skip
    theirs = make_submission(other, challenge, status="done", verdict="WA")
    make_submission(student, challenge, kind="samples")  # sample runs are not history
    auth.login(student.email)
    html = client.get(f"/solve/{challenge.slug}/history").get_data(as_text=True)
    assert f"/submissions/{mine.id}" in html and f"/submissions/{theirs.id}" not in html
    assert html.count("/submissions/") == 1
    page = client.get(f"/submissions/{mine.id}").get_data(as_text=True)
    assert "print(&#39;mine&#39;)" in page and "Rejudge" not in page
    assert client.get(f"/submissions/{theirs.id}").status_code == 404


def test_teacher_sees_everyone_and_filters_by_student(client, auth):
    student, other = make_user(name="Ada"), make_user(name="Bob")
    teacher = make_user(role="teacher")
    challenge = make_challenge(TESTS, owner_id=teacher.id)
    first = make_submission(student, challenge)
    second = make_submission(other, challenge)
    auth.login(teacher.email)
    html = client.get(f"/solve/{challenge.slug}/history").get_data(as_text=True)
    assert "Ada" in html and "Bob" in html
    only = client.get(f"/solve/{challenge.slug}/history?user={student.id}").get_data(as_text=True)
    assert f'/submissions/{first.id}"' in only and f'/submissions/{second.id}"' not in only


def test_teacher_rejudges_one_keeping_the_old_judgement(client, auth):
    teacher = make_user(role="teacher")
    challenge = make_challenge(TESTS, owner_id=teacher.id)
    submission = make_submission(make_user(), challenge, status="done", verdict="WA")
    auth.login(teacher.email)
    page = f"/submissions/{submission.id}"
    response = submit(client, f"{page}/rejudge", {}, page=page)
    assert response.status_code == 302
    db.session.expire_all()
    states = [(j.status, j.verdict) for j in submission.judgements]
    assert states == [("done", "WA"), ("queued", None)]


def test_student_may_not_rejudge_or_override(client, auth):
    student = make_user()
    submission = make_submission(student, make_challenge(TESTS), status="done", verdict="WA")
    auth.login(student.email)
    page = f"/submissions/{submission.id}"
    assert submit(client, f"{page}/rejudge", {}, page=page).status_code == 403
    forbidden = submit(client, f"{page}/override", {"verdict": "AC", "reason": "pls"}, page=page)
    assert forbidden.status_code == 403
    assert judgements() == 1
    db.session.expire_all()
    assert submission.judgements[0].final_verdict == "WA"


def test_rejudge_all_of_a_challenge_and_all_since(client, auth):
    teacher = make_user(role="teacher")
    challenge = make_challenge(TESTS, owner_id=teacher.id)
    elsewhere = make_challenge(TESTS, owner_id=teacher.id)
    not_theirs = make_challenge(TESTS)
    student = make_user()
    for target in (challenge, challenge, elsewhere, not_theirs):
        make_submission(student, target, status="done", verdict="AC")
    make_submission(student, challenge, kind="samples", status="done", verdict="AC")
    auth.login(teacher.email)
    page = f"/solve/{challenge.slug}/history"
    submit(client, f"/solve/{challenge.slug}/rejudge", {"scope": "challenge"}, page=page)
    assert judgements() == 5 + 2
    submit(client, f"/solve/{challenge.slug}/rejudge", {"scope": "all", "since": "2000-01-01T00:00"},
           page=page)  # fmt: skip
    # "All since" covers the teacher's own challenges only, never another teacher's.
    assert judgements() == 7 + 3
    html = client.get(page).get_data(as_text=True)
    assert "Rejudging 3 submissions." in html


def test_override_needs_a_reason_and_keeps_the_judges_verdict(client, auth):
    teacher = make_user(role="teacher")
    challenge = make_challenge(TESTS, owner_id=teacher.id)
    submission = make_submission(make_user(), challenge, status="done", verdict="WA")
    auth.login(teacher.email)
    page = f"/submissions/{submission.id}"
    submit(client, f"{page}/override", {"verdict": "AC", "reason": ""}, page=page)
    db.session.expire_all()
    assert submission.judgements[0].override_verdict is None
    submit(client, f"{page}/override", {"verdict": "AC", "reason": "checker was too strict"},
           page=page)  # fmt: skip
    db.session.expire_all()
    judgement = submission.judgements[0]
    assert (judgement.verdict, judgement.final_verdict) == ("WA", "AC")
    assert "checker was too strict" in client.get(page).get_data(as_text=True)
    submit(client, f"{page}/override", {"verdict": "", "reason": ""}, page=page)
    db.session.expire_all()
    assert submission.judgements[0].final_verdict == "WA"


def test_another_teacher_can_neither_see_nor_rejudge_nor_override(client, auth):
    owner = make_user(role="teacher")
    challenge = make_challenge(TESTS, owner_id=owner.id)
    submission = make_submission(make_user(name="Ada"), challenge, status="done", verdict="WA")
    auth.login(make_user(role="teacher").email)
    page = f"/submissions/{submission.id}"
    assert client.get(page).status_code == 404
    assert "Ada" not in client.get(f"/solve/{challenge.slug}/history").get_data(as_text=True)
    other_page = f"/solve/{challenge.slug}/history"
    rejudge = submit(client, f"/solve/{challenge.slug}/rejudge", {"scope": "challenge"},
                     page=other_page, follow_redirects=True)  # fmt: skip
    assert "Only the challenge&#39;s author" in rejudge.get_data(as_text=True)
    assert submit(client, f"{page}/rejudge", {}, page=other_page).status_code == 404
    assert judgements() == 1


def test_course_teacher_runs_the_course_challenges(client, auth):
    course = make_course()
    challenge = make_challenge(TESTS, course_id=course.id)
    student = make_user()
    enroll(course, student)
    submission = make_submission(student, challenge, status="done", verdict="WA")
    auth.login(course.owner.email)
    page = f"/submissions/{submission.id}"
    assert client.get(page).status_code == 200
    assert submit(client, f"{page}/rejudge", {}, page=page).status_code == 302
    assert judgements() == 2
