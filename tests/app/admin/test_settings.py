"""The admin's site settings page: the sign-up switch."""

from __future__ import annotations

from app.auth import service as accounts
from tests.conftest import submit
from tests.factories import make_user


def test_settings_page_shows_and_switches_signup(client, auth):
    admin = make_user(role="admin")
    auth.login(admin.email)
    page = client.get("/admin/settings")
    assert page.status_code == 200
    assert b'<input checked id="signup_open"' in page.data

    assert submit(client, "/admin/settings", {}).status_code == 302  # unchecked box: closed
    assert accounts.signup_open() is False
    assert b"checked" not in client.get("/admin/settings").data
    auth.logout()
    assert b"Sign-up is closed" in client.get("/auth/signup").data

    auth.login(admin.email)
    assert submit(client, "/admin/settings", {"signup_open": "y"}).status_code == 302
    assert accounts.signup_open() is True


def test_settings_post_without_csrf_is_refused(client, auth):
    admin = make_user(role="admin")
    auth.login(admin.email)
    response = client.post("/admin/settings", data={})
    assert response.status_code == 400
    assert accounts.signup_open() is True
