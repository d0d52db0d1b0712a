"""Log in and out: passwords, the `next` target, deactivated users, CSRF, the rate limit."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, submit
from tests.factories import make_user


def test_login_page_renders(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert b"Forgot your password?" in response.data


def test_login_then_logout(client, auth):
    user = make_user()
    response = auth.login(user.email)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")
    assert client.get("/dashboard").status_code == 200
    assert auth.logout().status_code == 302
    assert client.get("/dashboard").status_code == 302  # back to the log-in page


def test_email_is_case_insensitive(client, auth):
    make_user(email="ada@example.org")
    assert auth.login("  Ada@Example.ORG ").status_code == 302


def test_wrong_password_is_refused(client, auth):
    user = make_user()
    response = auth.login(user.email, "not-the-password")
    assert response.status_code == 400
    assert b"Wrong email or password." in response.data
    assert client.get("/dashboard").status_code == 302


def test_unknown_email_gets_the_same_answer(client, auth):
    response = auth.login("nobody@example.org", PASSWORD)
    assert response.status_code == 400
    assert b"Wrong email or password." in response.data


def test_internal_domain_can_log_in(client, auth):
    # make run creates admin@codedev.local; a strict email validator would lock it out.
    make_user(email="admin@codedev.local", role="admin")
    assert auth.login("admin@codedev.local").status_code == 302


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/courses/join", "/courses/join"),
        ("https://evil.example/", "/dashboard"),
        ("//evil.example/", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
    ],
)
def test_next_is_followed_only_on_site(client, target, expected):
    user = make_user()
    url = "/auth/login?next=" + target
    response = submit(client, url, {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_invited_user_without_password_cannot_log_in(client, auth):
    user = make_user(password=None)
    assert auth.login(user.email, "").status_code == 400
    assert auth.login(user.email, PASSWORD).status_code == 400


def test_deactivated_user_cannot_log_in_and_loses_session(client, auth, app):
    from app.extensions import db

    user = make_user()
    assert auth.login(user.email).status_code == 302
    user.active = False
    db.session.commit()
    assert client.get("/dashboard").status_code == 302
    assert auth.login(user.email).status_code == 400


def test_login_without_csrf_token_is_refused(client):
    user = make_user()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert b"The form expired" in response.data
    assert client.get("/dashboard").status_code == 302


def test_login_rate_limit_gives_friendly_429(client, app):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    user = make_user()
    for _ in range(3):
        response = submit(client, "/auth/login", {"email": user.email, "password": "wrong-1234"})
        assert response.status_code == 400
    response = submit(client, "/auth/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many requests" in response.data
    assert client.get("/auth/login").status_code == 200  # only POSTs are limited


def test_logged_in_user_skips_login_page(client, auth):
    user = make_user()
    auth.login(user.email)
    response = client.get("/auth/login")
    assert response.status_code == 302


def test_a_script_asking_for_json_after_the_session_ended_gets_a_401_and_no_cookie(client):
    """A page's fetch after its log-in ended must not set a session cookie (the redirect's flash
    did, replacing the session of a log-in form opened meanwhile: its CSRF token then failed)."""
    response = client.get("/notifications/latest.json")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert "Set-Cookie" not in response.headers
    page = client.get("/notifications")
    assert page.status_code == 302 and "/auth/login?next=" in page.headers["Location"]
