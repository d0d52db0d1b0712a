"""Course pages through the real forms: create, join by code and link, edit, archive, remove."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Course, Enrollment
from tests.conftest import submit
from tests.factories import enroll, make_course, make_user


def _enrolled(course: Course, user) -> bool:
    return (
        db.session.scalar(
            select(Enrollment.id).where(
                Enrollment.course_id == course.id, Enrollment.user_id == user.id
            )
        )
        is not None
    )


def test_teacher_creates_course_and_sees_code_and_link(client, auth):
    teacher = make_user(role="teacher")
    auth.login(teacher.email)
    assert client.get("/courses/new").status_code == 200
    response = submit(
        client, "/courses/new", {"name": "Algorithms", "description": "Graphs & <b>trees</b>"}
    )
    assert response.status_code == 302
    course = db.session.scalar(select(Course).where(Course.name == "Algorithms"))
    assert course is not None and course.owner_id == teacher.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert course.join_code in page
    assert f"http://localhost/courses/join/{course.join_code}" in page
    assert "Graphs &amp; &lt;b&gt;trees&lt;/b&gt;" in page  # escaped, never raw HTML
    assert 'id="roster"' in page


def test_create_with_empty_name_shows_error(client, auth):
    auth.login(make_user(role="teacher").email)
    response = submit(client, "/courses/new", {"name": "  ", "description": ""})
    assert response.status_code == 400
    assert b"The course needs a name." in response.data
    assert db.session.scalar(select(Course.id)) is None


def test_student_cannot_open_new_course_form(client, auth):
    auth.login(make_user().email)
    assert client.get("/courses/new").status_code == 403


def test_pages_need_login(client):
    course = make_course()
    for url in ("/courses/new", "/courses/join", f"/courses/{course.id}", "/dashboard"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]


def test_student_joins_with_code_form(client, auth):
    course = make_course(name="Databases", description="SQL all the way")
    student = make_user()
    auth.login(student.email)
    assert client.get("/courses/join").status_code == 200
    response = submit(client, "/courses/join", {"code": course.join_code.lower()})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/courses/{course.id}")
    assert _enrolled(course, student)
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "Databases" in page and "SQL all the way" in page
    assert course.owner.display_name in page
    assert 'id="roster"' not in page and course.join_code not in page
    # Joining twice is harmless.
    again = submit(client, "/courses/join", {"code": course.join_code}, follow_redirects=True)
    assert b"You are already in Databases" in again.data


def test_join_form_errors(client, auth):
    teacher = make_user(role="teacher")
    own = make_course(teacher)
    archived = make_course(archived=True)
    auth.login(teacher.email)
    cases = {
        "": b"Enter the code your teacher gave you.",
        "ZZZZ9999": b"No course has this join code.",
        own.join_code: b"You teach this course",
        archived.join_code: b"archived and can&#39;t be joined",
    }
    for code, message in cases.items():
        response = submit(client, "/courses/join", {"code": code})
        assert response.status_code == 400, code
        assert message in response.data, code
    assert not _enrolled(own, teacher) and not _enrolled(archived, teacher)


def test_join_link_goes_through_login_and_back(client):
    course = make_course(name="Networks")
    student = make_user()
    link = f"/courses/join/{course.join_code}"
    response = client.get(link)
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url.startswith("/auth/login?next=")
    response = submit(client, login_url, {"email": student.email, "password": "correct-horse-9"})
    assert response.status_code == 302
    assert response.headers["Location"] == link
    # The link shows a confirmation; a GET never enrolls.
    page = client.get(link)
    assert page.status_code == 200 and b"Join Networks" in page.data
    assert not _enrolled(course, student)
    response = submit(client, link, {})
    assert response.headers["Location"].endswith(f"/courses/{course.id}")
    assert _enrolled(course, student)
    # Visiting the link again just goes to the course.
    assert client.get(link).headers["Location"].endswith(f"/courses/{course.id}")


def test_join_link_refusals(client, auth):
    teacher = make_user(role="teacher")
    own = make_course(teacher)
    archived = make_course(archived=True)
    auth.login(teacher.email)
    assert client.get("/courses/join/NOSUCH23").status_code == 404
    response = client.get(f"/courses/join/{own.join_code}")
    assert response.status_code == 409 and b"You teach this course" in response.data
    response = client.get(f"/courses/join/{archived.join_code}")
    assert response.status_code == 409 and b"archived" in response.data
    csrf_page = "/courses/join"
    assert (
        submit(client, f"/courses/join/{archived.join_code}", {}, page=csrf_page).status_code == 409
    )
    assert not _enrolled(archived, teacher)


def test_join_post_without_csrf_is_refused(client, auth):
    course = make_course()
    student = make_user()
    auth.login(student.email)
    response = client.post(f"/courses/join/{course.join_code}", data={})
    assert response.status_code == 400
    assert not _enrolled(course, student)


def test_owner_edits_archives_restores_and_regenerates(client, auth):
    course = make_course(name="Old name")
    auth.login(course.owner.email)
    edit_url = f"/courses/{course.id}/edit"
    assert client.get(edit_url).status_code == 200
    response = submit(client, edit_url, {"name": "", "description": "x"})
    assert response.status_code == 400 and b"The course needs a name." in response.data
    response = submit(client, edit_url, {"name": "New name", "description": "Now with words"})
    assert response.status_code == 302
    db.session.refresh(course)
    assert (course.name, course.description) == ("New name", "Now with words")

    show = f"/courses/{course.id}"
    old_code = course.join_code
    submit(client, f"/courses/{course.id}/code", {}, page=show)
    db.session.refresh(course)
    assert course.join_code != old_code
    assert old_code not in client.get(show).get_data(as_text=True)

    submit(client, f"/courses/{course.id}/archive", {}, page=show)
    db.session.refresh(course)
    assert course.archived
    page = client.get(show).get_data(as_text=True)
    assert "archived" in page and "Restore" in page
    submit(client, f"/courses/{course.id}/restore", {}, page=show)
    db.session.refresh(course)
    assert not course.archived


def test_owner_sets_the_course_submission_rate(client, auth):
    course = make_course()
    auth.login(course.owner.email)
    edit_url = f"/courses/{course.id}/edit"
    for bad in ("-1", "5000", "many"):
        response = submit(client, edit_url, {"name": "C", "submission_rate_per_minute": bad})
        assert response.status_code == 400
    db.session.refresh(course)
    assert course.submission_rate_per_minute is None
    submit(client, edit_url, {"name": "C", "submission_rate_per_minute": "2"})
    db.session.refresh(course)
    assert course.submission_rate_per_minute == 2
    submit(client, edit_url, {"name": "C", "submission_rate_per_minute": ""})
    db.session.refresh(course)
    assert course.submission_rate_per_minute is None  # back to the site default


def test_student_and_other_teacher_are_kept_out(client, auth):
    course = make_course(name="Private")
    other_course = make_course()
    student = make_user()
    enroll(other_course, student)
    auth.login(student.email)
    # Not enrolled: 404 for the course and everything under it.
    for url in (
        f"/courses/{course.id}",
        f"/courses/{course.id}/edit",
        f"/courses/{course.id}/import",
    ):
        assert client.get(url).status_code == 404, url
    # Enrolled: sees the page, but not the roster nor the actions.
    assert client.get(f"/courses/{other_course.id}").status_code == 200
    assert client.get(f"/courses/{other_course.id}/edit").status_code == 403
    assert client.get(f"/courses/{other_course.id}/import").status_code == 403
    page = f"/courses/{other_course.id}"
    response = submit(client, f"/courses/{other_course.id}/archive", {}, page=page)
    assert response.status_code == 403
    response = submit(
        client, f"/courses/{other_course.id}/students/{student.id}/remove", {}, page=page
    )
    assert response.status_code == 403
    assert _enrolled(other_course, student)

    auth.logout()
    auth.login(make_user(role="teacher").email)
    assert client.get(f"/courses/{course.id}").status_code == 404
    response = submit(client, f"/courses/{course.id}/code", {}, page="/dashboard")
    assert response.status_code == 404
    db.session.refresh(course)
    assert course.name == "Private" and not course.archived


def test_admin_sees_roster_of_any_course(client, auth):
    course = make_course()
    student = make_user(name="Grace Hopper", email="grace@example.org")
    enroll(course, student)
    auth.login(make_user(role="admin").email)
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "Grace Hopper" in page and "grace@example.org" in page


def test_remove_student_confirms_then_removes(client, auth):
    course = make_course()
    student = make_user(name="Alan Turing")
    enroll(course, student)
    auth.login(course.owner.email)
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    remove_url = f"/courses/{course.id}/students/{student.id}/remove"
    assert "Alan Turing" in page and remove_url in page
    confirm = client.get(remove_url)
    assert confirm.status_code == 200 and b"Remove Alan Turing?" in confirm.data
    assert _enrolled(course, student)  # the GET only asks
    response = submit(client, remove_url, {})
    assert response.status_code == 302
    assert not _enrolled(course, student)
    assert client.get(remove_url).status_code == 404


def test_guessing_join_codes_is_rate_limited_per_user(client, auth):
    course = make_course()
    student = make_user()
    auth.login(student.email)
    statuses = [
        submit(client, "/courses/join", {"code": f"WRNG{n:04d}"}).status_code for n in range(21)
    ]
    assert statuses[:20] == [400] * 20
    assert statuses[20] == 429
    # Another user behind the same address is not blocked.
    auth.logout()
    other = make_user()
    auth.login(other.email)
    assert submit(client, "/courses/join", {"code": course.join_code}).status_code == 302
