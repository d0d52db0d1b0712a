"""CSV roster import: every row checked first, problems by line number, all or nothing."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.courses import roster_import
from app.courses.roster_import import RosterImportError, import_students, parse_roster
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.models import Enrollment, OutgoingMail, User
from app.stores import get_queue
from tests.conftest import submit
from tests.factories import enroll, make_course, make_user


def _counts() -> tuple[int, int]:
    users = db.session.scalar(select(func.count(User.id)))
    enrollments = db.session.scalar(select(func.count(Enrollment.id)))
    return users, enrollments


def _problems(data: bytes) -> list[str]:
    with pytest.raises(RosterImportError) as caught:
        parse_roster(data)
    return caught.value.problems


def test_parse_tolerates_bom_blank_lines_spaces_and_semicolons():
    data = (
        "\ufeffEmail ; Name\n\n  Ada@Example.org ; Ada  Lovelace \n;\nbob@example.org;\n".encode()
    )
    rows = parse_roster(data)
    assert [(r.line, r.email, r.name) for r in rows] == [
        (3, "ada@example.org", "Ada Lovelace"),
        (5, "bob@example.org", ""),
    ]


def test_parse_single_column_and_quoted_commas():
    assert [r.email for r in parse_roster(b"email\r\na@example.org\r\n")] == ["a@example.org"]
    rows = parse_roster(b'name,email\n"Lovelace, Ada",ada@example.org\n')
    assert (rows[0].name, rows[0].email) == ("Lovelace, Ada", "ada@example.org")


def test_parse_reports_every_bad_row_by_line():
    data = b"email,name\nok@example.org,Ok\nnot-an-email,Bad\n\n,No email\nOK@example.org,Again\n"
    problems = _problems(data)
    assert len(problems) == 3
    assert problems[0].startswith("Line 3: 'not-an-email' is not a valid email")
    assert problems[1] == "Line 5: the email is empty."
    assert problems[2] == "Line 6: ok@example.org repeats line 2."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"\n\n  \n", "The file is empty"),
        (b"name,mail\nAda,ada@example.org\n", "Line 1: the header needs an `email` column"),
        (b"email,name\n", "The file has a header but no students."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b"PK\x03\x04\x14\x00\x06\x00", "binary file"),
        (b"email,name\na@example.org,Ren\xe9\n", "Line 2: the file is not UTF-8"),
    ],
)
def test_parse_refuses_files_that_are_not_a_roster(data, message):
    problems = _problems(data)
    assert any(message in problem for problem in problems), problems


def test_parse_limits_size_and_rows():
    rows = "".join(f"s{n}@example.org\n" for n in range(roster_import.MAX_ROWS))
    assert len(parse_roster(("email\n" + rows).encode())) == roster_import.MAX_ROWS
    too_many = ("email\n" + rows + "last@example.org\n").encode()
    assert "more than 2000" in _problems(too_many)[0]
    huge = b"email\n" + b"a" * roster_import.MAX_BYTES
    assert "larger than 1024 KB" in _problems(huge)[0]


def test_import_enrolls_existing_and_invites_missing(app, mailbox):
    course = make_course(name="Compilers")
    existing = make_user(email="ada@example.org", name="")
    already = make_user(email="bob@example.org")
    enroll(course, already)
    data = (
        b"email,name\nada@example.org,Ada Lovelace\nnew@example.org,New Person\nbob@example.org,\n"
    )
    report = import_students(course.owner, course.id, data)
    assert report.enrolled == ["ada@example.org"]
    assert report.created == ["new@example.org"]
    assert report.already == ["bob@example.org"]
    created = db.session.scalar(select(User).where(User.email == "new@example.org"))
    assert created is not None
    assert (created.role, created.name, created.password_hash) == ("student", "New Person", "")
    db.session.refresh(existing)
    assert existing.name == "Ada Lovelace"  # a blank name is filled in, never overwritten
    enrolled = set(
        db.session.scalars(select(Enrollment.user_id).where(Enrollment.course_id == course.id))
    )
    assert enrolled == {existing.id, already.id, created.id}
    mails = {m["to"]: m["subject"] + "\n" + m["body"] for m in mailbox.messages}
    assert "/auth/reset/" in mails["new@example.org"] and "Compilers" in mails["new@example.org"]
    # An existing account: a "you were added" notification, by mail too (its default).
    assert "You were added to Compilers" in mails["ada@example.org"]
    assert "/auth/reset/" not in mails["ada@example.org"]
    assert "bob@example.org" not in mails


def test_import_refuses_staff_rows_and_imports_nothing(app):
    course = make_course()
    make_user(email="teach@example.org", role="teacher")
    make_user(email="root@example.org", role="admin")
    before = _counts()
    data = b"email\nfresh@example.org\nteach@example.org\nroot@example.org\n"
    with pytest.raises(RosterImportError) as caught:
        import_students(course.owner, course.id, data)
    assert caught.value.problems == [
        "Line 3: teach@example.org is a teacher account, not a student.",
        "Line 4: root@example.org is a admin account, not a student.",
    ]
    assert _counts() == before


def test_import_needs_a_manager_and_an_open_course(app):
    course = make_course()
    member = make_user()
    enroll(course, member)
    data = b"email\nx@example.org\n"
    with pytest.raises(Forbidden):
        import_students(member, course.id, data)
    with pytest.raises(NotFound):
        import_students(make_user(role="teacher"), course.id, data)
    course.archived = True
    db.session.commit()
    with pytest.raises(Conflict):
        import_students(course.owner, course.id, data)
    assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None


def _upload(client, course_id: int, data: bytes, filename: str = "roster.csv"):
    url = f"/courses/{course_id}/import"
    return submit(
        client,
        url,
        {"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_upload_page_reports_problems_by_line(client, auth):
    course = make_course()
    auth.login(course.owner.email)
    assert client.get(f"/courses/{course.id}/import").status_code == 200
    before = _counts()
    response = _upload(
        client, course.id, b"email,name\ngood@example.org,G\nbad,B\ngood@example.org,G\n"
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nothing was imported" in html
    assert "Line 3: &#39;bad&#39; is not a valid email" in html
    assert "Line 4: good@example.org repeats line 2." in html
    assert _counts() == before


def test_upload_binary_oversize_and_missing_file(client, auth):
    course = make_course()
    auth.login(course.owner.email)
    before = _counts()
    response = _upload(client, course.id, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "photo.csv")
    assert response.status_code == 400 and b"binary file" in response.data
    big = b"email\n" + b"x" * (roster_import.MAX_BYTES + 10)
    response = _upload(client, course.id, big)
    assert response.status_code == 400 and b"larger than 1024 KB" in response.data
    response = submit(
        client, f"/courses/{course.id}/import", {}, content_type="multipart/form-data"
    )
    assert response.status_code == 400 and b"Choose a CSV file." in response.data
    assert _counts() == before


def test_upload_from_roster_page_enrolls_everyone(client, auth):
    course = make_course()
    auth.login(course.owner.email)
    show = f"/courses/{course.id}"
    assert b'enctype="multipart/form-data"' in client.get(show).data
    data = "email;name\r\nzoe@example.org;Zoë Zed\r\nyan@example.org;Yan\r\n".encode()
    response = submit(
        client,
        f"/courses/{course.id}/import",
        {"file": (io.BytesIO(data), "roster.csv")},
        page=show,
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Import done: 2 students added, 2 new accounts invited" in html
    assert "Zoë Zed" in html and "yan@example.org" in html and "invited" in html


def test_an_unreachable_mail_server_does_not_touch_the_import(app):
    course = make_course()
    # A real connection to a closed port would be refused at once: the import never tries.
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_USE_TLS=False)
    report = import_students(course.owner, course.id, b"email\na@example.org\nb@example.org\n")
    assert report.created == ["a@example.org", "b@example.org"]
    assert _counts() == (3, 2)
    queued = db.session.scalars(select(OutgoingMail.to_address).order_by(OutgoingMail.id)).all()
    assert queued == ["a@example.org", "b@example.org"]
    assert get_queue("mail").count == 2  # the invitations wait for a worker


def test_an_optional_section_column_puts_students_in_sections(app):
    course = make_course()
    already = make_user(email="bob@example.org")
    enroll(course, already)
    data = b"email,name,section\nada@example.org,Ada,Lab 1\nbob@example.org,,Lab  2\n"
    import_students(course.owner, course.id, data)
    sections = dict(db.session.execute(
        select(User.email, Enrollment.section).join(Enrollment, Enrollment.user_id == User.id)
    ).all())  # fmt: skip
    assert sections == {"ada@example.org": "Lab 1", "bob@example.org": "Lab 2"}
    assert _problems(b"email,section\nx@example.org," + b"s" * 41 + b"\n") == [
        "Line 2: the section has more than 40 characters."
    ]
