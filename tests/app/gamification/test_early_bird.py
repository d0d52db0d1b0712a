"""The early-bird badge through real verdicts: release is a challenge's first publishing, or
a round's start (a timed round's: the participant's own Start) when that is later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from app.challenges import service as challenges
from app.contests import participation
from app.extensions import db
from app.models import BadgeAward
from app.submissions.service import create_submission
from tests.app.gamification.test_ledger import GOOD, judge, submit
from tests.factories import make_challenge, make_reference, make_round, make_user

T0 = datetime(2026, 12, 1, 9, 0)
VALIDATED = {"validation": {"ok": True, "runs": []}}


def at(moment: datetime):
    return time_machine.travel(moment.replace(tzinfo=UTC), tick=False)


def early_birds() -> set[int]:
    return set(db.session.scalars(select(BadgeAward.user_id).where(
        BadgeAward.badge_id == "early-bird")))  # fmt: skip


def submit_in(user, challenge, round_) -> None:
    judge(create_submission(user, challenge, "python3", GOOD, round_=round_).judgements[0].id)


def test_early_bird_within_ten_minutes_of_release(app):
    early, late = make_user(), make_user()
    with at(T0):
        fresh = make_challenge()
        old = make_challenge(created_at=T0 - timedelta(minutes=11))
        submit(early, fresh)
        submit(late, old)
    assert early_birds() == {early.id}


def test_release_is_when_a_challenge_is_first_published_not_when_its_draft_began(app):
    teacher, early, late = make_user(role="teacher"), make_user(), make_user()
    with at(T0 - timedelta(days=2)):  # the draft, two days before its tests pass validation
        challenge = make_challenge(owner_id=teacher.id, published=False, package_meta=VALIDATED)
        make_reference(challenge)
    with at(T0):
        challenges.set_published(teacher, challenge.slug, True)
    with at(T0 + timedelta(minutes=1)):  # hidden and shown again: the release stays T0
        challenges.set_published(teacher, challenge.slug, False)
        challenges.set_published(teacher, challenge.slug, True)
    assert challenge.published_at == T0
    with at(T0 + timedelta(minutes=9)):
        submit(early, challenge)
    with at(T0 + timedelta(minutes=11)):
        submit(late, challenge)
    assert early_birds() == {early.id}


def test_a_draft_never_published_has_no_release(app):
    teacher = make_user(role="teacher")
    with at(T0):
        draft = make_challenge(owner_id=teacher.id, published=False)
        submit(teacher, draft)  # its author trying it out at once is no early bird
    assert early_birds() == set()


def test_in_a_round_the_release_is_the_rounds_start_when_later(app):
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher, early, late = make_user(role="teacher"), make_user(), make_user()
    challenge = make_challenge(owner_id=teacher.id, created_at=T0 - timedelta(days=1))
    contest = make_round(teacher, [challenge], starts_at=T0, ends_at=T0 + timedelta(hours=2))
    with at(T0 + timedelta(minutes=9)):
        submit_in(early, challenge, contest)
    with at(T0 + timedelta(minutes=11)):
        submit_in(late, challenge, contest)
    assert early_birds() == {early.id}


def test_in_a_timed_round_the_release_is_the_participants_own_start(app):
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher, student = make_user(role="teacher"), make_user()
    challenge = make_challenge(owner_id=teacher.id, published=False)  # secret until its round
    quiz = make_round(teacher, [challenge], mode="timed", duration_minutes=30,
                      starts_at=T0, ends_at=T0 + timedelta(hours=2))  # fmt: skip
    with at(T0 + timedelta(minutes=60)):
        participation.start(student, quiz)
    with at(T0 + timedelta(minutes=65)):  # an hour after the round opened, 5 min into theirs
        submit_in(student, challenge, quiz)
    assert early_birds() == {student.id}
