"""A new password ends every other session and remember-me cookie; this one goes on."""

from __future__ import annotations

from app.auth import service
from app.extensions import db
from tests.conftest import PASSWORD, AuthActions, submit
from tests.factories import make_user

NEW = "a-new-password-42"
CHANGE = {"current_password": PASSWORD, "new_password": NEW, "new_confirm": NEW}


def logged_in(client) -> bool:
    return client.get("/dashboard").status_code == 200


def remember_me(app, email: str):
    """A client logged in with "Keep me logged in", then with its session cookie dropped."""
    client = app.test_client()
    data = {"email": email, "password": PASSWORD, "remember": "y"}
    assert submit(client, "/auth/login", data).status_code == 302
    assert client.get_cookie("remember_token") is not None
    client.delete_cookie("session")
    return client


def test_changing_the_password_logs_out_the_other_sessions(app, client, auth):
    user = make_user()
    other = app.test_client()
    assert AuthActions(other).login(user.email).status_code == 302
    remembered = remember_me(app, user.email)
    assert logged_in(remembered)  # the remember-me cookie alone logs in
    remembered.delete_cookie("session")
    assert auth.login(user.email).status_code == 302

    response = submit(client, "/auth/account/password", CHANGE, page="/auth/account")

    assert response.status_code == 302
    assert b"logged out everywhere else" in client.get("/auth/account").data
    assert logged_in(client)  # the session that changed it goes on
    assert not logged_in(other)
    assert not logged_in(remembered)


def test_a_remembered_session_that_changes_the_password_stays_remembered(app):
    user = make_user()
    client = remember_me(app, user.email)
    assert logged_in(client)
    response = submit(client, "/auth/account/password", CHANGE, page="/auth/account")
    assert response.status_code == 302
    client.delete_cookie("session")  # the browser was closed
    assert logged_in(client)


def test_a_reset_password_logs_out_the_other_sessions(app, client, auth):
    user = make_user()
    email = user.email
    assert auth.login(email).status_code == 302
    service.set_password(user, NEW)  # as the emailed reset link does
    db.session.remove()
    assert not logged_in(client)
    assert auth.login(email, NEW).status_code == 302
    assert logged_in(client)


def test_a_remembered_login_lasts_beyond_its_first_request(app):
    client = remember_me(app, make_user().email)
    for _ in range(3):
        assert logged_in(client)


def test_a_forged_session_id_is_refused(app, client, auth):
    user = make_user()
    assert auth.login(user.email).status_code == 302
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # the id alone, without the password mark
    assert not logged_in(client)
