"""The dashboard: students see their courses, staff also those they teach."""

from __future__ import annotations

from tests.factories import enroll, make_course, make_user


def test_student_dashboard_lists_joined_courses_only(client, auth):
    student = make_user()
    mine = make_course(name="Joined course")
    make_course(name="Someone else's")
    enroll(mine, student)
    auth.login(student.email)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Joined course" in html and "Someone else" not in html
    assert "New course" not in html and 'id="teaching"' not in html
    assert "Join a course" in html


def test_empty_student_dashboard(client, auth):
    auth.login(make_user().email)
    assert b"You have not joined a course yet." in client.get("/dashboard").data


def test_teacher_dashboard_lists_taught_courses_with_counts(client, auth):
    teacher = make_user(role="teacher")
    course = make_course(teacher, name="Taught here")
    make_course(teacher, name="Closed", archived=True)
    make_course(name="Not mine")
    enroll(course, make_user())
    enroll(course, make_user())
    auth.login(teacher.email)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Courses you teach" in html and "New course" in html
    assert "Taught here" in html and "2 students" in html
    assert "Closed" in html and "archived" in html
    assert "Not mine" not in html


def test_admin_dashboard_lists_every_course(client, auth):
    make_course(name="First")
    make_course(name="Second")
    auth.login(make_user(role="admin").email)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "All courses" in html and "First" in html and "Second" in html
