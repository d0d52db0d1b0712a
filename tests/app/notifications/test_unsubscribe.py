"""One-click unsubscribe (RFC 8058): the mailed link's POST works at once without login or
CSRF; its GET only asks; a malformed, forged or expired token changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from flask import Flask

from app.extensions import db
from app.models import utcnow
from app.notifications import preferences
from app.notifications.kinds import KINDS
from app.notifications.service import notify
from tests.app.notifications.conftest import run_mail_queue
from tests.factories import make_course, make_user


def _mailed_link(app: Flask, smtp, user) -> str:  # type: ignore[no-untyped-def]
    course = make_course(name="Compilers")
    notify(user, "course_added", {"course_id": course.id, "course_title": course.name})
    db.session.commit()
    run_mail_queue()
    [mail] = smtp.to(user.email)
    url = re.fullmatch(r"<(.+)>", mail.header("List-Unsubscribe"))
    assert url is not None
    return "/" + url.group(1).split("/", 3)[3]


def test_the_one_click_post_unsubscribes_without_login_or_csrf(mail_app, smtp):
    user = make_user(email="ann@example.org")
    path = _mailed_link(mail_app, smtp, user)
    client = mail_app.test_client()  # no session, no CSRF token: a mail client's POST
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "gets no more mail" in response.get_data(as_text=True)
    assert preferences.choice_for(user.id, KINDS["course_added"]) == (True, "off")
    assert preferences.choice_for(user.id, KINDS["announcement"]) == (True, "off")  # its default
    assert preferences.choice_for(user.id, KINDS["extension_granted"]) == (True, "now")  # others stay


def test_the_get_asks_first_and_changes_nothing(mail_app, smtp):
    user = make_user()
    path = _mailed_link(mail_app, smtp, user)
    page = mail_app.test_client().get(path)
    assert page.status_code == 200 and "<form method=\"post\"" in page.get_data(as_text=True)
    assert preferences.choice_for(user.id, KINDS["course_added"]) == (True, "now")


def test_a_malformed_or_forged_token_gets_a_clear_page_and_nothing_changes(app):
    user = make_user()
    forged = preferences.unsubscribe_token(user.id, "course_added")[:-3] + "abc"
    client = app.test_client()
    for token in ("not-a-token", forged, preferences.unsubscribe_token(user.id, "password_reset")):
        response = client.post(f"/notifications/unsubscribe/{token}")
        assert response.status_code == 400
        assert "This unsubscribe link is not valid. Nothing was changed" in response.get_data(
            as_text=True
        )
    assert preferences.choice_for(user.id, KINDS["course_added"]) == (True, "now")


def test_an_expired_token_gets_a_clear_page_and_nothing_changes(app):
    user = make_user()
    token = preferences.unsubscribe_token(user.id, "course_added")
    later = utcnow() + timedelta(seconds=app.config["UNSUBSCRIBE_TOKEN_MAX_AGE"] + 60)
    with time_machine.travel(later, tick=False):
        response = app.test_client().post(f"/notifications/unsubscribe/{token}")
    assert response.status_code == 400
    assert "This unsubscribe link has expired" in response.get_data(as_text=True)
    assert preferences.choice_for(user.id, KINDS["course_added"]) == (True, "now")
