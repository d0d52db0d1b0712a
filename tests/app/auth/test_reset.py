"""Password reset and invitations by mailed one-time links."""

from __future__ import annotations

import pytest
import time_machine
from sqlalchemy import select

from app.auth import service
from app.errors import ValidationError
from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD, submit
from tests.factories import make_user

NEW = "brand-new-password-7"


def _ask_reset(client, email: str):
    return submit(client, "/auth/reset", {"email": email})


def test_reset_request_page_renders(client):
    response = client.get("/auth/reset")
    assert response.status_code == 200
    assert b"Mail me a link" in response.data


def test_reset_answers_the_same_for_unknown_address(client, mailbox):
    make_user(email="known@example.org")
    known = _ask_reset(client, "known@example.org")
    unknown = _ask_reset(client, "unknown@example.org")
    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )
    assert [m["to"] for m in mailbox.messages] == ["known@example.org"]
    page = client.get("/auth/login").get_data(as_text=True)
    assert "If an account exists for that address" in page


def test_reset_sets_new_password_once(client, auth, mailbox):
    user = make_user()
    _ask_reset(client, user.email)
    link = mailbox.last_link(user.email)
    assert link.startswith("/auth/reset/")
    page = client.get(link)
    assert page.status_code == 200
    assert b"Choose a new password" in page.data

    response = submit(client, link, {"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200  # logged in by the link
    auth.logout()
    assert auth.login(user.email, PASSWORD).status_code == 400
    assert auth.login(user.email, NEW).status_code == 302

    used = client.get(link)
    assert used.status_code == 400
    assert b"not valid or was already used" in used.data


def test_reset_link_expires(client, app, mailbox):
    user = make_user()
    with time_machine.travel(0, tick=False) as clock:
        clock.move_to("2030-01-01 12:00:00")
        _ask_reset(client, user.email)
        link = mailbox.last_link(user.email)
        clock.shift(app.config["RESET_TOKEN_MAX_AGE"] - 60)
        assert client.get(link).status_code == 200
        clock.shift(120)
        response = client.get(link)
    assert response.status_code == 400
    assert b"This link has expired." in response.data


def test_tampered_link_is_refused(client, mailbox):
    user = make_user()
    _ask_reset(client, user.email)
    link = mailbox.last_link(user.email)
    response = client.get(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"))
    assert response.status_code == 400
    assert client.get("/auth/reset/garbage").status_code == 400


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"password": "short", "confirm": "short"}, b"at least 8 characters"),
        ({"password": NEW, "confirm": NEW + "x"}, b"The two passwords differ."),
    ],
)
def test_reset_bad_password_is_refused(client, auth, mailbox, data, message):
    user = make_user()
    _ask_reset(client, user.email)
    link = mailbox.last_link(user.email)
    response = submit(client, link, data)
    assert response.status_code == 400
    assert message in response.data
    assert auth.login(user.email, PASSWORD).status_code == 302  # unchanged
    auth.logout()
    assert client.get(link).status_code == 200  # and the link still works


def test_reset_of_deactivated_account_sends_nothing(client, mailbox):
    user = make_user(active=False)
    response = _ask_reset(client, user.email)
    assert response.status_code == 302
    assert mailbox.messages == []


def test_reset_request_bad_input(client):
    response = submit(client, "/auth/reset", {"email": ""})
    assert response.status_code == 400
    assert b"This field is required." in response.data


def test_reset_rate_limit(client, app):
    app.config["RESET_RATE_LIMIT"] = "2 per minute"
    assert _ask_reset(client, "a@example.org").status_code == 302
    assert _ask_reset(client, "b@example.org").status_code == 302
    response = _ask_reset(client, "c@example.org")
    assert response.status_code == 429
    assert b"Too many requests" in response.data


def test_invite_sets_first_password(client, auth, mailbox):
    service.create_user("new@example.org", None, name="Newcomer")
    user = db.session.scalar(select(User).where(User.email == "new@example.org"))
    assert user is not None and user.password_hash == ""
    service.send_invite(user, "Algorithms 101")
    db.session.commit()  # queued with the caller's transaction, sent once it commits
    message = mailbox.messages[-1]
    assert message["to"] == "new@example.org"
    assert "Algorithms 101" in message["subject"]
    link = mailbox.last_link("new@example.org")
    assert link.startswith("/auth/reset/")
    page = client.get(link)
    assert page.status_code == 200
    assert b"Choose your password" in page.data
    assert submit(client, link, {"password": NEW, "confirm": NEW}).status_code == 302
    auth.logout()
    assert auth.login("new@example.org", NEW).status_code == 302
    assert client.get(link).status_code == 400  # used


def test_invite_outlives_a_reset_link(app):
    user = service.create_user("late@example.org", None)
    with time_machine.travel(0, tick=False) as clock:
        clock.move_to("2030-01-01 12:00:00")
        link = service.invite_link(user).rsplit("/", 1)[1]
        clock.shift(app.config["RESET_TOKEN_MAX_AGE"] * 3)
        assert service.user_for_link(link).id == user.id
        clock.shift(app.config["INVITE_TOKEN_MAX_AGE"])
        with pytest.raises(ValidationError, match="expired"):
            service.user_for_link(link)


def test_invite_to_existing_account_has_no_link(app, mailbox):
    user = make_user()
    service.send_invite(user, "Course X")
    db.session.commit()
    body = mailbox.messages[-1]["body"]
    assert "Course X" in body
    assert "/auth/login" in body
    assert "/auth/reset/" not in body
