"""Sign-up: a new student account, every bad input, and the admin's invite-only switch."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.admin import service as admin_service
from app.auth import service
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD, config_for, submit
from tests.factories import make_user

GOOD = {"email": "Grace@Example.org", "name": "Grace", "password": PASSWORD, "confirm": PASSWORD}


def _users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def test_signup_page_renders(client):
    response = client.get("/auth/signup")
    assert response.status_code == 200
    assert b"Create my account" in response.data


def test_signup_creates_student_and_logs_in(client):
    response = submit(client, "/auth/signup", GOOD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    user = service.find_user("grace@example.org")
    assert user is not None
    assert (user.role, user.name, user.email) == ("student", "Grace", "grace@example.org")
    assert client.get("/dashboard").status_code == 200


def test_signup_from_a_join_link_returns_to_it(client):
    page = "/auth/signup?next=/courses/join/ABCD2345"
    assert b"/auth/login?next=/courses/join/ABCD2345" in client.get(page).data
    response = submit(client, page, GOOD)
    assert response.headers["Location"] == "/courses/join/ABCD2345"


def test_signup_ignores_an_offsite_next(client):
    response = submit(client, "/auth/signup?next=//evil.example/x", GOOD)
    assert response.headers["Location"] == "/dashboard"


def test_login_page_links_to_signup_with_next(client):
    html = client.get("/auth/login?next=/courses/join/ABCD2345").data
    assert b"/auth/signup?next=/courses/join/ABCD2345" in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password": "short", "confirm": "short"}, b"at least 8 characters"),
        ({"confirm": PASSWORD + "x"}, b"The two passwords differ."),
        ({"email": "not-an-email"}, b"Enter a valid email address."),
        ({"email": "two@@example.org"}, b"Enter a valid email address."),
        ({"name": "   "}, b"This field is required."),
        ({"email": ""}, b"This field is required."),
    ],
)
def test_signup_bad_input_is_refused(client, change, message):
    response = submit(client, "/auth/signup", {**GOOD, **change})
    assert response.status_code == 400
    assert message in response.data
    assert _users() == 0


def test_sign_up_service_checks_the_name(app):
    with pytest.raises(ValidationError) as error:
        service.sign_up("x@example.org", "  ", PASSWORD)
    assert error.value.field == "name"
    assert _users() == 0


def test_signup_duplicate_email_is_refused(client):
    make_user(email="grace@example.org")
    response = submit(client, "/auth/signup", GOOD)
    assert response.status_code == 400
    assert b"already exists" in response.data
    assert _users() == 1


def test_admin_closes_signup(client):
    admin = make_user(role="admin")
    admin_service.set_signup_open(admin, False)
    page = client.get("/auth/signup")
    assert page.status_code == 200
    assert b"Sign-up is closed" in page.data
    assert b"Create my account" not in page.data
    response = submit(client, "/auth/signup", GOOD, page="/auth/login")
    assert response.status_code == 403
    assert b"Sign-up is closed" in response.data
    assert _users() == 1
    with pytest.raises(Forbidden):
        service.sign_up("x@example.org", "X", PASSWORD)


def test_signup_closed_by_config_and_reopened_by_admin(app, stack):
    """CODEDEV_SIGNUP_OPEN=false is the default until the admin flips the switch."""
    from app import create_app

    closed = create_app(config_for(stack, SIGNUP_OPEN=False))
    with closed.app_context():
        assert service.signup_open() is False
        assert b"Sign-up is closed" in closed.test_client().get("/auth/signup").data
        admin_service.set_signup_open(make_user(role="admin"), True)
        assert service.signup_open() is True
        db.session.remove()


def test_signed_in_user_is_sent_to_dashboard(client, auth):
    user = make_user()
    auth.login(user.email)
    assert client.get("/auth/signup").status_code == 302


def test_signup_rate_limit(client, app):
    app.config["SIGNUP_RATE_LIMIT"] = "2 per minute"
    for n in range(2):
        data = {**GOOD, "email": f"s{n}@example.org", "confirm": "mismatch-123"}
        assert submit(client, "/auth/signup", data).status_code == 400
    assert submit(client, "/auth/signup", GOOD).status_code == 429
    assert _users() == 0
