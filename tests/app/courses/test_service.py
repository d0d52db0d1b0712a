"""Course services without a request: creating, codes, joining, authorization, the roster."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.courses import service
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.models import Course, Enrollment
from tests.factories import enroll, make_course, make_user


def _enrollments(course: Course) -> int:
    return db.session.scalar(
        select(func.count(Enrollment.id)).where(Enrollment.course_id == course.id)
    )


def test_teacher_creates_course_with_unambiguous_code(app):
    teacher = make_user(role="teacher")
    course = service.create_course(teacher, "  Intro   to Python ", "Weeks 1-10\n")
    assert course.id is not None
    assert course.name == "Intro to Python"
    assert course.description == "Weeks 1-10"
    assert course.owner_id == teacher.id
    assert len(course.join_code) == service.CODE_LENGTH
    assert set(course.join_code) <= set(service.CODE_ALPHABET)
    assert not set("O0I1L") & set(service.CODE_ALPHABET)


def test_student_cannot_create_course(app):
    with pytest.raises(Forbidden):
        service.create_course(make_user(), "Mine")
    assert db.session.scalar(select(func.count(Course.id))) == 0


@pytest.mark.parametrize("name", ["", "   ", "x" * (service.NAME_MAX + 1)])
def test_bad_names_are_refused(app, name):
    with pytest.raises(ValidationError):
        service.create_course(make_user(role="teacher"), name)


def test_regenerate_code_replaces_the_old_one(app):
    course = make_course()
    old = course.join_code
    service.regenerate_join_code(course.owner, course.id)
    assert course.join_code != old
    with pytest.raises(NotFound):
        service.course_for_code(old)
    assert service.course_for_code(course.join_code.lower()).id == course.id


def test_join_is_idempotent_and_forgiving_about_typing(app):
    course = make_course(join_code="K7QXM2PA")
    student = make_user()
    joined_course, joined = service.join_course(student, " k7qx-m2pa ")
    assert (joined_course.id, joined) == (course.id, True)
    assert service.join_course(student, "K7QXM2PA") == (course, False)
    assert _enrollments(course) == 1


def test_join_refusals(app):
    course = make_course()
    with pytest.raises(NotFound):
        service.join_course(make_user(), "NOPE2345")
    with pytest.raises(NotFound):
        service.join_course(make_user(), "  ")
    with pytest.raises(Conflict, match="You teach this course"):
        service.join_course(course.owner, course.join_code)
    service.set_archived(course.owner, course.id, True)
    with pytest.raises(Conflict, match="archived"):
        service.join_course(make_user(), course.join_code)
    assert _enrollments(course) == 0


def test_already_enrolled_student_rejoining_archived_course_is_harmless(app):
    course = make_course()
    student = make_user()
    enroll(course, student)
    service.set_archived(course.owner, course.id, True)
    assert service.join_course(student, course.join_code) == (course, False)


def test_visibility_policy(app):
    course = make_course()
    member, outsider = make_user(), make_user()
    other_teacher, admin = make_user(role="teacher"), make_user(role="admin")
    enroll(course, member)
    assert service.course_page(member, course.id).id == course.id
    assert service.course_page(admin, course.id).id == course.id
    # Not enrolled: the course's existence does not leak (404, like a missing id).
    for user in (outsider, other_teacher):
        with pytest.raises(NotFound):
            service.course_page(user, course.id)
        with pytest.raises(NotFound):
            service.roster(user, course.id)
    with pytest.raises(NotFound):
        service.course_page(member, course.id + 1000)
    # Enrolled but not the teacher: may look, may not manage.
    with pytest.raises(Forbidden):
        service.roster(member, course.id)
    with pytest.raises(Forbidden):
        service.update_course(member, course.id, "Hacked", "")
    assert [e.user_id for e in service.roster(admin, course.id)] == [member.id]


def test_teacher_cannot_manage_another_teachers_course(app):
    course = make_course(name="Theirs")
    other = make_user(role="teacher")
    for action in (
        lambda: service.update_course(other, course.id, "Mine", ""),
        lambda: service.set_archived(other, course.id, True),
        lambda: service.regenerate_join_code(other, course.id),
    ):
        with pytest.raises(NotFound):
            action()
    db.session.refresh(course)
    assert (course.name, course.archived) == ("Theirs", False)


def test_admin_manages_any_course(app):
    course = make_course()
    admin = make_user(role="admin")
    service.update_course(admin, course.id, "Renamed", "By the admin")
    service.set_archived(admin, course.id, True)
    db.session.refresh(course)
    assert (course.name, course.description, course.archived) == (
        "Renamed",
        "By the admin",
        True,
    )


def test_remove_student_keeps_the_account(app):
    course = make_course()
    student = make_user()
    enroll(course, student)
    assert service.remove_student(course.owner, course.id, student.id).id == student.id
    assert _enrollments(course) == 0
    assert db.session.get(type(student), student.id) is not None
    with pytest.raises(NotFound):
        service.remove_student(course.owner, course.id, student.id)


def test_dashboard_lists(app):
    teacher, admin, student = make_user(role="teacher"), make_user(role="admin"), make_user()
    first = make_course(teacher, name="B course")
    second = make_course(teacher, name="A course")
    archived = make_course(teacher, name="Old", archived=True)
    other = make_course(name="Elsewhere")
    for course in (first, second, archived):
        enroll(course, student)
    assert {c.id for c in service.courses_taught_by(teacher)} == {first.id, second.id, archived.id}
    assert service.courses_taught_by(teacher)[-1].id == archived.id
    assert len(service.courses_taught_by(admin)) == 4
    assert [c.name for c in service.courses_taken_by(student)] == ["A course", "B course", "Old"]
    assert service.student_counts([first.id, other.id]) == {first.id: 1, other.id: 0}
