"""Authoring services and pages: rights, tests, publishing rules, student view, uploads."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.challenges import service, testdata
from app.challenges.render import render_markdown
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.models import Challenge, TestCase
from tests.app.packages.builders import legacy_package, zip_tree
from tests.conftest import csrf_token, submit
from tests.factories import make_user


def _new(owner, **fields) -> Challenge:
    return service.create_challenge(owner, service.ChallengeData(title="Sum", **fields))


def test_only_staff_author_and_teachers_edit_their_own(app) -> None:
    teacher, other, admin = (make_user(role=r) for r in ("teacher", "teacher", "admin"))
    student = make_user()
    challenge = _new(teacher)
    assert challenge.slug == "sum" and not challenge.published
    with pytest.raises(Forbidden):
        _new(student, slug="x")
    with pytest.raises(Forbidden):
        service.editable_challenge(other, "sum")
    with pytest.raises(Forbidden):
        testdata.add_test(other, "sum", "", b"1\n", b"1\n")
    assert service.editable_challenge(admin, "sum").id == challenge.id
    with pytest.raises(NotFound):
        service.visible_challenge(student, "sum")  # a draft does not leak
    with pytest.raises(Conflict):
        _new(other)  # same slug


def test_challenge_fields_are_checked(app) -> None:
    teacher = make_user(role="teacher")
    for fields, field in [
        ({"slug": "Bad Slug"}, "slug"),
        ({"time_limit_ms": 10}, "time_limit_ms"),
        ({"languages": ["cobol"]}, "languages"),
        ({"checker": "custom"}, "checker_source"),
    ]:
        with pytest.raises(ValidationError) as caught:
            _new(teacher, **fields)
        assert caught.value.field == field
    assert db.session.scalar(select(func.count()).select_from(Challenge)) == 0


def test_tests_add_reorder_delete_and_zip_upload(app) -> None:
    teacher = make_user(role="teacher")
    _new(teacher)
    first = testdata.add_test(teacher, "sum", "", b"1 2\n", b"3\n", is_sample=True)
    group = testdata.add_group(teacher, "sum", "big", 60)
    testdata.add_test(teacher, "sum", "edge", b"0 0\n", b"0\n", group_id=group.id)
    count = testdata.upload_tests(
        teacher, "sum", zip_tree({"b.in": "2 2\n", "b.ans": "4\n", "a.in": "1 1\n", "a.ans": "2\n"}),
        "more.zip", is_sample=False,
    )  # fmt: skip
    assert count == 2
    challenge = service.get_by_slug("sum")
    assert challenge is not None
    assert [t.name for t in challenge.tests] == ["01", "edge", "a", "b"]
    testdata.move_test(teacher, "sum", first.id, +1)
    db.session.expire_all()
    assert [t.name for t in service.get_by_slug("sum").tests] == ["edge", "01", "a", "b"]  # type: ignore[union-attr]
    testdata.delete_test(teacher, "sum", first.id)
    db.session.expire_all()
    tests = service.get_by_slug("sum").tests  # type: ignore[union-attr]
    assert [(t.name, t.position) for t in tests] == [("edge", 1), ("a", 2), ("b", 3)]
    with pytest.raises(ValidationError, match="c has no .ans"):
        testdata.upload_tests(teacher, "sum", zip_tree({"c.in": "1\n"}), "x.zip", is_sample=False)
    with pytest.raises(Conflict, match="a"):
        testdata.upload_tests(teacher, "sum", zip_tree({"a.in": "1\n", "a.ans": "1\n"}), "x.zip",
                              is_sample=False)  # fmt: skip
    with pytest.raises(ValidationError, match="leaves the package"):
        testdata.upload_tests(teacher, "sum", zip_tree({"../x.in": "1"}, top=None), "x.zip",
                              is_sample=False)  # fmt: skip
    assert db.session.scalar(select(func.count()).select_from(TestCase)) == 3


def test_publishing_needs_tests_an_accepted_solution_and_a_passing_validation(app) -> None:
    teacher = make_user(role="teacher")
    _new(teacher)
    with pytest.raises(ValidationError, match="at least one test"):
        service.set_published(teacher, "sum", True)
    testdata.add_test(teacher, "sum", "", b"1 2\n", b"3\n", is_sample=True)
    with pytest.raises(ValidationError, match="accepted reference"):
        service.set_published(teacher, "sum", True)
    service.add_reference(teacher, "sum", "", "python3", "print(3)\n", "AC")
    with pytest.raises(ValidationError, match="Validate first"):
        service.set_published(teacher, "sum", True)
    challenge = service.get_by_slug("sum")
    assert challenge is not None
    # A recorded failing validation blocks too; a change of the tests forgets a passing one.
    challenge.package_meta = {"validation": {"ok": False, "runs": []}}
    db.session.commit()
    with pytest.raises(ValidationError, match="Validate first"):
        service.set_published(teacher, "sum", True)
    challenge.package_meta = {"validation": {"ok": True, "runs": []}}
    db.session.commit()
    testdata.add_test(teacher, "sum", "", b"2 2\n", b"4\n")
    with pytest.raises(ValidationError, match="Validate first"):
        service.set_published(teacher, "sum", True)


def test_statement_is_rendered_and_sanitized() -> None:
    html = str(render_markdown("**Hi** $a+b$ <script>alert(1)</script> [x](javascript:alert(1))"))
    assert "<strong>Hi</strong>" in html
    assert '<span class="math inline">a+b</span>' in html
    assert "<script>" not in html and 'href="javascript' not in html


def test_teacher_creates_through_the_pages_and_student_sees_published(app, client, auth) -> None:
    teacher = make_user(role="teacher", email="t@example.org")
    make_user(email="s@example.org")
    auth.login("t@example.org")
    response = submit(client, "/challenges/new", {
        "title": "Hello", "statement_md": "Say **hello**.", "difficulty": "easy",
        "time_limit_ms": "1000", "memory_limit_mb": "256", "output_limit_kb": "1024",
        "checker": "tokens", "checker_language": "python3", "stop_on_first_failure": "y",
    })  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("/challenges/hello/tests")
    response = submit(client, "/challenges/hello/tests", {
        "test-input": "x\n", "test-answer": "hello\n", "test-is_sample": "y", "test-group_id": "0",
    })  # fmt: skip
    assert response.status_code == 302
    page = client.get("/challenges/hello").get_data(as_text=True)
    assert "<strong>hello</strong>" in page and "draft" in page
    auth.logout()
    auth.login("s@example.org")
    assert client.get("/challenges/hello").status_code == 404
    assert client.get("/challenges/hello/edit").status_code == 403
    challenge = service.get_by_slug("hello")
    assert challenge is not None and challenge.owner_id == teacher.id
    challenge.published = True
    db.session.commit()
    page = client.get("/challenges/hello").get_data(as_text=True)
    assert "Time limit 1 s" in page and '<pre class="sample-input">x\n</pre>' in page
    assert "hello" in client.get("/challenges/").get_data(as_text=True)


def test_package_upload_page(app, client, auth) -> None:
    make_user(role="teacher", email="t@example.org")
    auth.login("t@example.org")
    token = csrf_token(client, "/challenges/import")
    bad = legacy_package()
    del bad["data/secret/group2/02.ans"]
    response = client.post("/challenges/import", data={
        "csrf_token": token, "file": (io.BytesIO(zip_tree(bad)), "addtwo.zip"),
    }, follow_redirects=True)  # fmt: skip
    assert "data/secret/group2/02.in: has no matching 02.ans" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Challenge)) == 0
    response = client.post("/challenges/import", data={
        "csrf_token": token, "file": (io.BytesIO(zip_tree(legacy_package())), "addtwo.zip"),
    })  # fmt: skip
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/challenges/addtwo/solutions")
    export = client.get("/challenges/addtwo/export")
    assert export.status_code == 200 and export.mimetype == "application/zip"
