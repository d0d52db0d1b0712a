"""Admin user pages: list and search, create (teachers, invitations), roles, deactivation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.admin import service
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD, submit
from tests.factories import make_user

ADMIN_PAGES = ["/admin/", "/admin/users", "/admin/settings"]


@pytest.fixture
def admin(client, auth):
    user = make_user(email="root@example.org", role="admin", name="Root")
    assert auth.login(user.email).status_code == 302
    return user


def _user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_users_page_lists_and_searches(client, admin):
    make_user(email="grace@example.org", name="Grace Hopper")
    make_user(email="alan@example.org", name="Alan Turing")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "grace@example.org" in page and "alan@example.org" in page
    assert "Create a user" in page
    found = client.get("/admin/users?q=hopper").get_data(as_text=True)
    assert "grace@example.org" in found and "alan@example.org" not in found
    none = client.get("/admin/users?q=100%25_x").get_data(as_text=True)
    assert "No users match" in none


def test_admin_index_redirects(client, admin):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/users")


def test_create_teacher_with_password(client, auth, admin):
    data = {
        "email": "T@Example.org",
        "name": "Teacher",
        "role": "teacher",
        "password": "teach-1234",
    }
    response = submit(client, "/admin/users", data)
    assert response.status_code == 302
    teacher = _user("t@example.org")
    assert teacher is not None and teacher.role == "teacher"
    auth.logout()
    assert auth.login("t@example.org", "teach-1234").status_code == 302


def test_create_without_password_mails_invitation(client, auth, admin, mailbox):
    data = {"email": "inv@example.org", "name": "Invited", "role": "student", "password": ""}
    assert submit(client, "/admin/users", data).status_code == 302
    assert "invited" in client.get("/admin/users").get_data(as_text=True)
    link = mailbox.last_link("inv@example.org")
    auth.logout()
    assert submit(client, link, {"password": PASSWORD, "confirm": PASSWORD}).status_code == 302
    assert _user("inv@example.org").password_hash != ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "root@example.org"}, b"already exists"),
        ({"email": "not an email"}, b"Enter a valid email address."),
        ({"role": "king"}, b"Not a valid choice."),
        ({"password": "short"}, b"at least 8 characters"),
        ({"email": ""}, b"This field is required."),
    ],
)
def test_create_user_bad_input(client, admin, data, message):
    full = {"email": "new@example.org", "name": "N", "role": "teacher", "password": "", **data}
    response = submit(client, "/admin/users", full)
    assert response.status_code == 400
    assert message in response.data
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


def test_change_role(client, admin):
    user = make_user()
    response = submit(
        client, f"/admin/users/{user.id}/role", {"role": "teacher"}, page="/admin/users"
    )
    assert response.status_code == 302
    assert _user(user.email).role == "teacher"


def test_forbidden_role_changes(client, admin):
    user = make_user()
    own = submit(client, f"/admin/users/{admin.id}/role", {"role": "student"}, page="/admin/users")
    assert own.status_code == 403
    assert b"your own role" in own.data
    assert _user(admin.email).role == "admin"
    bad = submit(client, f"/admin/users/{user.id}/role", {"role": "king"}, page="/admin/users")
    assert bad.status_code == 400
    assert _user(user.email).role == "student"
    missing = submit(client, "/admin/users/999999/role", {"role": "teacher"}, page="/admin/users")
    assert missing.status_code == 404


def test_deactivate_and_reactivate(app, client, auth, admin):
    user = make_user()
    token = service.accounts.create_token(user)
    other = app.test_client()
    assert (
        submit(other, "/auth/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    )

    response = submit(
        client, f"/admin/users/{user.id}/active", {"active": "0"}, page="/admin/users"
    )
    assert response.status_code == 302
    assert _user(user.email).active is False
    assert "deactivated" in client.get("/admin/users").get_data(as_text=True)
    assert other.get("/dashboard").status_code == 302  # the open session ends
    assert service.accounts.user_for_token(token) is None

    submit(client, f"/admin/users/{user.id}/active", {"active": "1"}, page="/admin/users")
    assert _user(user.email).active is True
    again = app.test_client()
    assert (
        submit(again, "/auth/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    )


def test_admin_cannot_deactivate_self(client, admin):
    response = submit(
        client, f"/admin/users/{admin.id}/active", {"active": "0"}, page="/admin/users"
    )
    assert response.status_code == 403
    assert _user(admin.email).active is True


def test_resend_invite(client, admin, mailbox):
    invited = service.accounts.create_user("later@example.org", None)
    response = submit(client, f"/admin/users/{invited.id}/invite", {}, page="/admin/users")
    assert response.status_code == 302
    assert mailbox.last_link("later@example.org").startswith("/auth/reset/")
    active = make_user()
    response = submit(client, f"/admin/users/{active.id}/invite", {}, page="/admin/users")
    assert response.status_code == 409


@pytest.mark.parametrize("role", ["student", "teacher"])
def test_non_admins_get_403_on_every_admin_page(client, auth, role):
    user = make_user(role=role)
    target = make_user()
    auth.login(user.email)
    for page in ADMIN_PAGES:
        response = client.get(page)
        assert response.status_code == 403, page
        assert b"Not allowed" in response.data
    posts = {
        "/admin/users": {"email": "x@example.org", "role": "admin", "password": PASSWORD},
        f"/admin/users/{target.id}/role": {"role": "admin"},
        f"/admin/users/{target.id}/active": {"active": "0"},
        "/admin/settings": {"signup_open": ""},
    }
    for url, data in posts.items():
        assert submit(client, url, data, page="/dashboard").status_code == 403, url
    assert _user(target.email).role == "student" and _user(target.email).active
    assert _user("x@example.org") is None


def test_anonymous_is_sent_to_login(client):
    for page in ADMIN_PAGES:
        response = client.get(page)
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]


def test_services_check_the_actor(app):
    teacher = make_user(role="teacher")
    student = make_user()
    for actor in (teacher, None):
        with pytest.raises(Forbidden):
            service.list_users(actor)
        with pytest.raises(Forbidden):
            service.change_role(actor, student.id, "admin")
        with pytest.raises(Forbidden):
            service.set_active(actor, student.id, False)
        with pytest.raises(Forbidden):
            service.create_user(actor, "x@example.org", "", "admin", PASSWORD)
        with pytest.raises(Forbidden):
            service.set_signup_open(actor, False)
    inactive_admin = make_user(role="admin", active=False)
    with pytest.raises(Forbidden):
        service.change_role(inactive_admin, student.id, "admin")
    assert _user(student.email).role == "student"


def test_service_errors(app):
    admin = make_user(role="admin")
    with pytest.raises(NotFound):
        service.set_active(admin, 424242, False)
    with pytest.raises(ValidationError):
        service.change_role(admin, admin.id, "king")
    with pytest.raises(Conflict):
        service.create_user(admin, admin.email, "", "student", PASSWORD)


def test_users_are_paginated(client, admin):
    for n in range(service.USERS_PER_PAGE + 1):
        db.session.add(User(email=f"bulk{n}@example.org", name=f"Bulk {n}"))
    db.session.commit()
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Page 1 of 2" in first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second
