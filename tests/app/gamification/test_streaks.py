"""Streaks through real verdicts: the course's zone, weekly streaks, rest days, freezes,
and a zone change that can't fake a day."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from app.extensions import db
from app.gamification import service
from app.models import Player
from tests.app.gamification.test_ledger import submit
from tests.factories import enroll, make_challenge, make_course, make_user


def at(text: str):
    moment = datetime.fromisoformat(text).replace(tzinfo=UTC)
    return time_machine.travel(moment, tick=False)


def streak(user) -> tuple[int, int]:
    db.session.expire_all()
    player = db.session.get(Player, user.id)
    return player.streak_current, player.streak_freezes


def test_days_are_counted_in_the_courses_zone(app):
    course = make_course(time_zone="America/New_York")
    user = make_user()
    enroll(course, user)
    # 03:00 and 23:00 UTC on Dec 1 are Nov 30 and Dec 1 in New York: two days in a row.
    with at("2026-12-01T03:00:00"):
        submit(user, make_challenge(course_id=course.id))
    with at("2026-12-01T23:00:00"):
        submit(user, make_challenge(course_id=course.id))
    assert streak(user) == (2, 0)


def test_a_missed_day_breaks_the_streak_unless_a_rest_day(app):
    course = make_course(rest_days=["2026-12-03"])
    user = make_user()
    enroll(course, user)
    for day in ("2026-12-01", "2026-12-02", "2026-12-04"):  # the 3rd is a rest day
        with at(f"{day}T12:00:00"):
            submit(user, make_challenge(course_id=course.id))
    assert streak(user) == (3, 0)
    with at("2026-12-06T12:00:00"):  # the 5th missed, no freeze held
        submit(user, make_challenge(course_id=course.id))
    assert streak(user) == (1, 0)


def test_seven_days_earn_a_freeze_used_on_a_missed_day(app):
    user = make_user()
    for day in range(1, 8):
        with at(f"2026-12-{day:02d}T12:00:00"):
            submit(user, make_challenge())
    assert streak(user) == (7, 1)
    with at("2026-12-09T12:00:00"):  # the 8th missed: the freeze covers it
        assert service.header_state(user.id).streak == 7
        submit(user, make_challenge())
    assert streak(user) == (8, 0)


def test_a_weekly_course_counts_weeks(app):
    course = make_course(weekly_streaks=True)
    user = make_user()
    enroll(course, user)
    for day in ("2026-11-30", "2026-12-02", "2026-12-07", "2026-12-13"):  # 2 ISO weeks
        with at(f"{day}T12:00:00"):
            submit(user, make_challenge(course_id=course.id))
    assert streak(user) == (2, 0)
    assert db.session.get(Player, user.id).streak_weekly


def test_a_rejected_try_counts_no_day(app):
    user = make_user()
    with at("2026-12-01T12:00:00"):
        submit(user, make_challenge(), "WA", 0.0)
    assert db.session.get(Player, user.id) is None  # nothing changed, so nothing is written


def test_jumping_east_after_a_zone_change_gets_no_extra_day(app):
    user = make_user()
    with at("2026-11-29T23:00:00"):  # Sunday in UTC
        submit(user, make_challenge())
    with at("2026-11-30T11:00:00"):
        service.set_time_zone(user.id, "Pacific/Kiritimati")  # already Tuesday 01:00 there
        submit(user, make_challenge())
    # The old zone still says Monday for a week: the streak is 2 (Sun, Mon), not a jump.
    player = db.session.get(Player, user.id)
    assert (player.streak_current, player.streak_last) == (2, datetime(2026, 11, 30).toordinal())
