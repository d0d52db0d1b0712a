"""notify(): the row, the live event with the unread count after the commit, preferences,
collapsing, once keys; the bell's pages; deleted objects; the judging sources."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.channels import channel_prefix
from app.extensions import db
from app.judging.consequences import consequences_of, verdict_event
from app.models import Judgement, Notification, OutgoingMail, Round
from app.notifications import preferences
from app.notifications.kinds import KINDS
from app.notifications.render import UNAVAILABLE
from app.notifications.service import mark_all_read, notify, unread_count
from app.stores import get_queue, get_redis
from tests.conftest import submit
from tests.factories import make_challenge, make_course, make_round, make_submission, make_user


@contextmanager
def heard(app: Flask, user_id: int) -> Iterator[list[dict[str, Any]]]:
    """The events published on user:<id> while the block runs."""
    pubsub = get_redis(app).pubsub()
    pubsub.subscribe(f"{channel_prefix(app)}user:{user_id}")
    assert pubsub.get_message(timeout=5)["type"] == "subscribe"
    events: list[dict[str, Any]] = []
    try:
        yield events
        while (message := pubsub.get_message(timeout=0.5)) is not None:
            if message["type"] == "message":
                events.append(json.loads(message["data"]))
    finally:
        pubsub.close()


def _rows(user_id: int) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
    ))  # fmt: skip


def test_the_event_and_the_mail_go_out_only_after_the_commit(app):
    user = make_user()
    course = make_course(name="Compilers")
    with heard(app, user.id) as before_commit:
        notify(user, "course_added", {"course_id": course.id, "course_title": course.name})
    assert before_commit == [] and get_queue("mail").count == 0
    with heard(app, user.id) as events:
        db.session.commit()
    [event] = events
    assert event["type"] == "notification" and event["unread"] == 1
    assert event["notification"]["title"] == "You were added to Compilers"
    assert get_queue("mail").count == 1


def test_a_rollback_drops_the_row_and_the_event(app):
    user = make_user()
    with heard(app, user.id) as events:
        notify(user, "course_added", {"course_id": 3, "course_title": "C"})
        db.session.rollback()
        db.session.commit()
    assert events == [] and _rows(user.id) == []


def test_preferences_decide_the_channels(app):
    user = make_user()
    preferences.save_choices(user, {"course_added": (False, "off"), "announcement": (True, "now")})
    assert notify(user, "course_added", {"course_title": "C"}) is None
    notify(user, "announcement", {"round_id": 1, "round_title": "R"})
    db.session.commit()
    assert [row.kind for row in _rows(user.id)] == ["announcement"]
    assert db.session.scalars(select(OutgoingMail.kind)).all() == ["announcement"]


def test_badges_and_levels_are_in_the_app_only_by_default(app):
    user = make_user()
    notify(user, "badge_earned", {"badge_name": "First blood"})
    notify(user, "level_up", {"level": 3})
    db.session.commit()
    assert [row.kind for row in _rows(user.id)] == ["badge_earned", "level_up"]
    assert db.session.scalar(select(func.count(OutgoingMail.id))) == 0


def test_security_mail_ignores_a_choice_to_turn_it_off(app):
    user = make_user()
    db.session.add(preferences.NotificationPreference(user_id=user.id, kind="password_changed",
                                                      in_app=False, email="off"))  # fmt: skip
    preferences.save_choices(user, {"password_changed": (False, "off")})
    notify(user, "password_changed", {})
    db.session.commit()
    assert [row.kind for row in _rows(user.id)] == ["password_changed"]
    assert db.session.scalars(select(OutgoingMail.kind)).all() == ["password_changed"]
    assert not KINDS["password_changed"].may_turn_off


def test_a_collapse_key_makes_one_unread_row_and_one_mail(app):
    user = make_user()
    with heard(app, user.id) as events:
        for n in range(5):
            notify(user, "judge_error", {"submission_id": n, "challenge_title": "Paths"},
                   collapse_key="ie:1")  # fmt: skip
            db.session.commit()
    [row] = _rows(user.id)
    assert row.count == 5 and row.payload["submission_id"] == 4
    assert [event["unread"] for event in events] == [1, 1, 1, 1, 1]
    assert db.session.scalar(select(func.count(OutgoingMail.id))) == 1
    mark_all_read(user)
    notify(user, "judge_error", {"submission_id": 9, "challenge_title": "Paths"},
           collapse_key="ie:1")  # fmt: skip
    db.session.commit()
    assert [r.count for r in _rows(user.id)] == [5, 1]  # read: the next one is a new row


def test_a_once_key_is_stored_once(app):
    user = make_user()
    for _ in range(3):
        notify(user, "deadline_1h", {"round_id": 1, "round_title": "Lab"}, once_key="d1:1")
        db.session.commit()
    assert len(_rows(user.id)) == 1


def test_an_unknown_kind_is_a_programming_error(app):
    with pytest.raises(ValueError, match="unknown notification kind"):
        notify(make_user(), "bagde_earned", {})


# --- the bell --------------------------------------------------------------------------


def test_the_header_shows_the_count_and_the_pages_mark_read(client, auth):
    user = make_user()
    for n in range(3):
        notify(user, "level_up", {"level": n + 2})
    db.session.commit()
    auth.login(user.email)
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'data-unread="3"' in html and "js/bell.js" in html
    latest = client.get("/notifications/latest.json").get_json()
    assert latest["unread"] == 3
    assert [item["title"] for item in latest["items"]][0] == "You reached level 4"
    first = latest["items"][0]["id"]
    answer = submit(client, f"/notifications/{first}/read", {}, page="/notifications",
                    headers={"Accept": "application/json"})  # fmt: skip
    assert answer.get_json() == {"unread": 2}
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count('class="notification unread') == 2
    submit(client, "/notifications/read-all", {}, page="/notifications")
    assert unread_count(user.id) == 0
    assert 'data-unread="0"' in client.get("/dashboard").get_data(as_text=True)


def test_a_notification_of_someone_else_is_not_found(client, auth):
    owner, other = make_user(), make_user()
    row = notify(owner, "level_up", {"level": 2})
    db.session.commit()
    assert row is not None
    auth.login(other.email)
    response = submit(client, f"/notifications/{row.id}/read", {}, page="/notifications")
    assert response.status_code == 404
    assert unread_count(owner.id) == 1


def test_opening_one_marks_it_read_and_goes_to_its_page(client, auth):
    teacher = make_user(role="teacher")
    round_ = make_round(teacher)
    user = make_user()
    row = notify(user, "announcement", {"round_id": round_.id, "round_title": round_.name})
    db.session.commit()
    assert row is not None
    auth.login(user.email)
    response = submit(client, f"/notifications/{row.id}/read", {"open": "1"}, page="/notifications")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/rounds/{round_.id}/clarifications")


def test_a_deleted_object_renders_as_no_longer_available(client, auth):
    teacher = make_user(role="teacher")
    round_ = make_round(teacher)
    user = make_user()
    notify(user, "announcement", {"round_id": round_.id, "round_title": round_.name})
    db.session.commit()
    db.session.delete(db.session.get(Round, round_.id))
    db.session.commit()
    auth.login(user.email)
    page = client.get("/notifications")
    assert page.status_code == 200
    assert UNAVAILABLE in page.get_data(as_text=True)
    assert f"/rounds/{round_.id}" not in page.get_data(as_text=True)
    [item] = client.get("/notifications/latest.json").get_json()["items"]
    assert (item["title"], item["link"], item["available"]) == (UNAVAILABLE, None, False)


def test_the_settings_page_saves_choices_but_not_for_security_kinds(client, auth):
    user = make_user()
    auth.login(user.email)
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert 'name="course_added.email"' in page and 'name="password_reset.email"' not in page
    submit(client, "/notifications/settings",
           {"course_added.email": "digest", "course_added.in_app": "on",
            "password_reset.email": "off", "digest": "weekly"})  # fmt: skip
    assert preferences.choice_for(user.id, KINDS["course_added"]) == (True, "digest")
    assert preferences.choice_for(user.id, KINDS["password_reset"]) == (False, "now")
    assert preferences.choice_for(user.id, KINDS["badge_earned"]) == (False, "off")  # unticked
    assert preferences.digest_of(user.id).digest == "weekly"


# --- judging sources -------------------------------------------------------------------


def _rejudge(submission_id: int, verdict: str, score: float) -> None:
    """A rejudge's new judgement finishing, and its consequences run as judging runs them."""
    judgement = Judgement(submission_id=submission_id, status="done", verdict=verdict,
                          score=score)  # fmt: skip
    db.session.add(judgement)
    db.session.flush()
    event = verdict_event(judgement)
    db.session.commit()
    consequences_of().run_after_commit(event)


def test_a_rejudge_of_500_submissions_is_one_notification_per_student(app):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id, title="Paths")
    students = [make_user() for _ in range(2)]
    submissions = [
        make_submission(students[n % 2], challenge, status="done", verdict="AC", score=100.0)
        for n in range(500)
    ]
    unchanged = make_submission(students[0], challenge, status="done", verdict="WA", score=0.0)
    with heard(app, students[0].id) as events:
        for submission in submissions:
            _rejudge(submission.id, "WA", 0.0)
        _rejudge(unchanged.id, "WA", 0.0)  # the same verdict: nothing to tell
    for student in students:
        [row] = _rows(student.id)
        assert (row.kind, row.count) == ("verdict_changed", 250)
    assert len(events) == 250 and {event["unread"] for event in events} == {1}
    assert "250 of your results for Paths changed" in events[-1]["notification"]["title"]
    assert _rows(teacher.id) == []


def test_an_internal_error_tells_the_challenges_owner(app):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id, title="Paths")
    student = make_user()
    first = make_submission(student, challenge, status="queued")
    judgement = db.session.scalar(select(Judgement).where(Judgement.submission_id == first.id))
    judgement.status, judgement.verdict = "failed", "IE"
    db.session.flush()
    event = verdict_event(judgement)
    db.session.commit()
    consequences_of().run_after_commit(event)
    [row] = _rows(teacher.id)
    assert row.kind == "judge_error" and row.payload["challenge_title"] == "Paths"
    assert _rows(student.id) == []
