"""What the other areas tell through notify(): clarifications (asked, answered, announced), an
extension, a password changed; each commits with the action it reports."""

from __future__ import annotations

from sqlalchemy import select

from app.auth import service as accounts
from app.challenges.validation import queue as validation_queue
from app.contests import clarifications, participation
from app.extensions import db
from app.models import Notification, OutgoingMail
from tests.conftest import PASSWORD
from tests.factories import make_challenge, make_round, make_user


def _kinds(user_id: int) -> list[tuple[str, int]]:
    db.session.expire_all()
    return [(row.kind, row.count) for row in db.session.scalars(
        select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
    )]  # fmt: skip


def _round():  # type: ignore[no-untyped-def]
    teacher = make_user(role="teacher")
    round_ = make_round(teacher, [make_challenge(owner_id=teacher.id)], name="Cup")
    return teacher, round_


def test_questions_tell_the_teacher_collapsed_and_the_answer_tells_the_asker(app):
    teacher, round_ = _round()
    ann, bob = make_user(), make_user()
    first = clarifications.ask(ann, round_, None, "Is input sorted?")
    clarifications.ask(bob, round_, None, "Are there ties?")
    assert _kinds(teacher.id) == [("clarification_asked", 2)]
    clarifications.answer(teacher, first.id, "Yes.", to_all=False)
    assert _kinds(ann.id) == [("clarification_answered", 1)]
    assert _kinds(bob.id) == []  # a private answer
    mail = db.session.scalar(select(OutgoingMail).where(OutgoingMail.to_address == ann.email))
    assert mail is not None and "Yes." in mail.text_body
    assert mail.subject == "The jury answered your question in Cup"


def test_an_announcement_tells_everyone_in_the_round_in_the_app(app):
    teacher, round_ = _round()
    ann = make_user()
    clarifications.ask(ann, round_, None, "Hello?")
    clarifications.announce(teacher, round_, "Problem A's limits are fixed.")
    assert _kinds(ann.id) == [("announcement", 1)]
    assert (
        db.session.scalar(select(OutgoingMail).where(OutgoingMail.kind == "announcement")) is None
    )


def test_an_extension_tells_the_participant(app):
    teacher, round_ = _round()
    ann = make_user()
    question = clarifications.ask(ann, round_, None, "More time?")
    participation.extend(teacher, round_, question.participant_id, 30)
    assert _kinds(ann.id) == [("extension_granted", 1)]
    row = db.session.scalar(select(Notification).where(Notification.user_id == ann.id))
    assert row is not None and row.payload["minutes"] == 30


def test_a_changed_password_is_told_but_a_first_one_is_not(app):
    user = make_user()
    accounts.change_password(user, PASSWORD, "another-horse-7")
    assert _kinds(user.id) == [("password_changed", 1)]
    invited = accounts.create_user("new@example.org", None)
    accounts.set_password(invited, "first-password-1")
    assert _kinds(invited.id) == []


def test_a_background_validation_tells_the_challenges_owner(app):
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id, title="Paths")
    challenge.package_meta = {"validation": {"status": "running", "token": "t1"}}
    db.session.commit()
    assert validation_queue.store_result(challenge, "t1", None, "no reference solution") == "failed"
    [row] = db.session.scalars(select(Notification).where(Notification.user_id == teacher.id))
    assert row.kind == "validation_finished"
    assert (
        row.payload["outcome"] == "could not run"
        and row.payload["challenge_slug"] == challenge.slug
    )
    validation_queue.store_result(challenge, None, None, "in the foreground")  # the teacher waits
    assert len(_kinds(teacher.id)) == 1
