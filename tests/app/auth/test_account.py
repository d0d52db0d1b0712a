"""The account page: name, password change, personal API tokens."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.auth import service
from app.errors import NotFound
from app.extensions import db
from app.models import ApiToken
from tests.conftest import PASSWORD, submit
from tests.factories import make_user

NEW = "a-new-password-42"


@pytest.fixture
def user(client, auth):
    account = make_user(name="Ada")
    assert auth.login(account.email).status_code == 302
    return account


def test_account_page_renders(client, user):
    response = client.get("/auth/account")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert user.email in html
    assert "No tokens yet." in html


def test_account_needs_login(client):
    response = client.get("/auth/account")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_rename(client, user):
    response = submit(
        client, "/auth/account/profile", {"name": "Ada Lovelace"}, page="/auth/account"
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.name == "Ada Lovelace"
    assert b"Your name was saved." in client.get("/auth/account").data


def test_rename_to_blank_is_refused(client, user):
    response = submit(client, "/auth/account/profile", {"name": "  "}, page="/auth/account")
    assert response.status_code == 400
    assert b"This field is required." in response.data
    db.session.refresh(user)
    assert user.name == "Ada"


def test_change_password(client, auth, user):
    data = {"current_password": PASSWORD, "new_password": NEW, "new_confirm": NEW}
    response = submit(client, "/auth/account/password", data, page="/auth/account")
    assert response.status_code == 302
    auth.logout()
    assert auth.login(user.email, PASSWORD).status_code == 400
    assert auth.login(user.email, NEW).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"current_password": "wrong-password", "new_password": NEW, "new_confirm": NEW},
            b"The current password is wrong.",
        ),
        (
            {"current_password": PASSWORD, "new_password": "short", "new_confirm": "short"},
            b"at least 8 characters",
        ),
        (
            {"current_password": PASSWORD, "new_password": NEW, "new_confirm": NEW + "!"},
            b"The two passwords differ.",
        ),
        ({"current_password": "", "new_password": NEW, "new_confirm": NEW}, b"required"),
    ],
)
def test_change_password_bad_input(client, auth, user, data, message):
    response = submit(client, "/auth/account/password", data, page="/auth/account")
    assert response.status_code == 400
    assert message in response.data
    auth.logout()
    assert auth.login(user.email, PASSWORD).status_code == 302  # unchanged


def _create_token(client, label: str) -> str:
    response = submit(client, "/auth/account/tokens", {"label": label}, page="/auth/account")
    assert response.status_code == 200
    match = re.search(r'id="new-token">([^<]+)<', response.get_data(as_text=True))
    assert match, "the new token is shown"
    return match.group(1)


def test_token_is_shown_once_listed_and_works(app, client, user):
    token = _create_token(client, "grading script")
    page = client.get("/auth/account").get_data(as_text=True)
    assert "grading script" in page
    assert token not in page  # shown once only
    assert "never" in page
    row = db.session.scalar(select(ApiToken))
    assert row is not None and token not in row.token_sha256  # only the hash is kept

    fresh = app.test_client()
    response = fresh.get("/auth/account", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert user.email in response.get_data(as_text=True)
    db.session.refresh(row)
    assert row.last_used_at is not None


def test_revoke_token(app, client, user):
    token = _create_token(client, "old")
    row_id = db.session.scalar(select(ApiToken.id))
    response = submit(client, f"/auth/account/tokens/{row_id}/revoke", {}, page="/auth/account")
    assert response.status_code == 302
    assert db.session.scalar(select(ApiToken)) is None
    fresh = app.test_client()
    response = fresh.get("/auth/account", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 302  # no longer signs in


def test_cannot_revoke_someone_elses_token(client, user):
    other = make_user()
    service.create_token(other, "theirs")
    row_id = db.session.scalar(select(ApiToken.id))
    response = submit(client, f"/auth/account/tokens/{row_id}/revoke", {}, page="/auth/account")
    assert response.status_code == 404
    assert db.session.scalar(select(ApiToken.id)) == row_id
    with pytest.raises(NotFound):
        service.revoke_token(user, row_id)


def test_token_label_too_long_is_refused(client, user):
    response = submit(client, "/auth/account/tokens", {"label": "x" * 81}, page="/auth/account")
    assert response.status_code == 400
    assert b"Field cannot be longer than 80 characters." in response.data
    assert db.session.scalar(select(ApiToken)) is None


def test_token_of_deactivated_user_is_refused(app, user):
    token = service.create_token(user)
    user.active = False
    db.session.commit()
    assert service.user_for_token(token) is None
    assert service.user_for_token("") is None
    assert service.user_for_token("cd_forged") is None
