"""What the workers' maintenance tick sends: deadline and contest reminders once (two
workers, a tick run again, a restart), and the digest, skipped when it was all read."""

from __future__ import annotations

import re
import threading
from datetime import UTC, timedelta

import time_machine
from sqlalchemy import select

from app import create_app
from app.contests.participation import extend, join
from app.extensions import db
from app.models import Enrollment, Notification, User, utcnow
from app.notifications import preferences, reminders
from app.notifications.kinds import KINDS
from app.notifications.service import mark_all_read, notify
from tests.app.notifications.conftest import run_mail_queue
from tests.conftest import config_for
from tests.factories import make_course, make_round, make_user


def _kinds(user_id: int) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(Notification.kind).where(Notification.user_id == user_id).order_by(Notification.id)
    ))  # fmt: skip


def _assignment(due_in: timedelta):  # type: ignore[no-untyped-def]
    teacher = make_user(role="teacher")
    course = make_course(teacher)
    student = make_user()
    db.session.add(Enrollment(course_id=course.id, user_id=student.id, role="student"))
    db.session.commit()
    now = utcnow()
    round_ = make_round(teacher, mode="assignment", scoring="assignment", course_id=course.id,
                        starts_at=now - timedelta(days=3), due_at=now + due_in,
                        ends_at=now + due_in)  # fmt: skip
    return round_, student


def test_a_new_assignment_tells_the_course(app):
    round_, student = _assignment(timedelta(days=5))
    assert _kinds(student.id) == ["assignment_published"]
    assert _kinds(round_.owner_id) == []


def test_the_24_hour_reminder_is_sent_once_by_two_workers_and_again_ticks(app, stack):
    round_, student = _assignment(timedelta(hours=23))
    assert reminders.send_due_reminders() == 1
    # A second worker: its own app and connections on the same stores.
    other = create_app(config_for(stack))
    with other.app_context():
        assert reminders.send_due_reminders() == 0
        db.session.remove()
    assert reminders.send_due_reminders() == 0
    assert _kinds(student.id) == ["assignment_published", "deadline_24h"]


def test_two_workers_at_the_same_moment_send_it_once(app, stack):
    round_, student = _assignment(timedelta(hours=23))
    apps = [create_app(config_for(stack)) for _ in range(2)]
    start = threading.Barrier(2)
    sent: list[int] = []

    def tick(worker_app) -> None:  # type: ignore[no-untyped-def]
        with worker_app.app_context():
            start.wait()
            sent.append(reminders.send_due_reminders())
            db.session.remove()

    threads = [threading.Thread(target=tick, args=(each,)) for each in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(sent) == [0, 1]
    assert _kinds(student.id) == ["assignment_published", "deadline_24h"]


def test_inside_the_last_hour_only_the_1_hour_reminder_goes(app):
    _round, student = _assignment(timedelta(minutes=50))
    reminders.send_due_reminders()
    assert _kinds(student.id) == ["assignment_published", "deadline_1h"]


def test_a_reminder_missed_while_workers_were_down_goes_when_they_are_back(app):
    round_, student = _assignment(timedelta(hours=30))
    assert reminders.send_due_reminders() == 0  # not yet
    later = utcnow() + timedelta(hours=10)  # no tick ran at the 24 h mark: 20 h are left
    assert reminders.send_due_reminders(later) == 1
    assert _kinds(student.id)[-1] == "deadline_24h"


def test_a_contest_starting_in_15_minutes(app):
    teacher = make_user(role="teacher")
    course = make_course(teacher)
    student = make_user()
    db.session.add(Enrollment(course_id=course.id, user_id=student.id, role="student"))
    db.session.commit()
    make_round(teacher, course_id=course.id, starts_at=utcnow() + timedelta(minutes=10))
    make_round(teacher, course_id=course.id, starts_at=utcnow() + timedelta(hours=2))
    assert reminders.send_due_reminders() == 1
    assert reminders.send_due_reminders() == 0
    assert _kinds(student.id) == ["contest_starting"]


def test_the_digest_lists_unread_digest_kinds_once(mail_app, smtp):
    user = make_user(email="dee@example.org")
    preferences.save_choices(user, {"level_up": (True, "digest")})
    notify(user, "level_up", {"level": 2})
    notify(user, "level_up", {"level": 3})
    notify(user, "badge_earned", {"badge_name": "Owl"})  # in the app only: not in the digest
    db.session.commit()
    assert reminders.send_due_digests() == 1
    run_mail_queue()
    [mail] = smtp.to("dee@example.org")
    assert mail.header("Subject") == "Your daily codedev digest: 2 unread"
    text = mail.part("plain")
    assert "You reached level 2" in text and "You reached level 3" in text and "Owl" not in text
    assert mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert "/notifications/unsubscribe/" in mail.header("List-Unsubscribe")
    # The next day: nothing new, no digest.
    assert reminders.send_due_digests(utcnow() + timedelta(days=1, minutes=1)) == 0


def test_the_digest_is_skipped_when_the_user_read_them_in_the_app(mail_app, smtp):
    user = make_user()
    preferences.save_choices(user, {"level_up": (True, "digest")})
    notify(user, "level_up", {"level": 2})
    db.session.commit()
    mark_all_read(user)
    assert reminders.send_due_digests() == 0
    run_mail_queue()
    assert smtp.received == []


def test_a_weekly_digest_waits_a_week(mail_app, smtp):
    user = make_user()
    preferences.save_choices(user, {"level_up": (True, "digest")}, digest="weekly")
    notify(user, "level_up", {"level": 2})
    db.session.commit()
    assert reminders.send_due_digests() == 1
    notify(user, "level_up", {"level": 3})
    db.session.commit()
    assert reminders.send_due_digests(utcnow() + timedelta(days=2)) == 0
    assert reminders.send_due_digests(utcnow() + timedelta(days=7, minutes=1)) == 1


def test_unsubscribing_from_the_digest_turns_its_kinds_off_by_mail(mail_app, smtp):
    user = make_user(email="eve@example.org")
    preferences.save_choices(user, {"level_up": (True, "digest")})
    notify(user, "level_up", {"level": 2})
    db.session.commit()
    reminders.send_due_digests()
    run_mail_queue()
    [mail] = smtp.to("eve@example.org")
    url = re.fullmatch(r"<(.+)>", mail.header("List-Unsubscribe"))
    assert url is not None
    path = "/" + url.group(1).split("/", 3)[3]
    assert mail_app.test_client().post(path).status_code == 200
    assert preferences.choice_for(user.id, KINDS["level_up"]) == (True, "off")
    assert preferences.choice_for(user.id, KINDS["verdict_changed"]) == (True, "off")


def test_an_extended_student_is_reminded_of_their_own_due_time(app):
    """The class hears 1 h before the round's due time; a student with three more hours hears
    of their own due time instead: 24 h ahead of it (3.5 h left) now, 1 h ahead later."""
    round_, student = _assignment(timedelta(minutes=30))
    extended = make_user()
    db.session.add(Enrollment(course_id=round_.course_id, user_id=extended.id, role="student"))
    db.session.commit()
    participant = join(extended, round_)
    extend(db.session.get(User, round_.owner_id), round_, participant.id, 180)
    assert reminders.send_due_reminders() == 2
    assert _kinds(student.id)[-1] == "deadline_1h"
    assert _kinds(extended.id)[-1] == "deadline_24h"
    with time_machine.travel((utcnow() + timedelta(minutes=150)).replace(tzinfo=UTC), tick=False):
        assert reminders.send_due_reminders() == 1
    assert _kinds(extended.id)[-1] == "deadline_1h"
    assert _kinds(student.id).count("deadline_1h") == 1
