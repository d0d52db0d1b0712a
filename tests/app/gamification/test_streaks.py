"""Streaks through real verdicts: the course's zone, weekly streaks, rest days, freezes,
a zone change that can't fake a day, and the day counted being the submission's own (not the
judging's, nor a rejudge's or an override's)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from app.extensions import db
from app.gamification import service
from app.models import Player
from app.submissions import staff
from app.submissions.service import create_submission
from tests.app.gamification.test_ledger import GOOD, judge, submit, total
from tests.factories import enroll, make_challenge, make_course, make_user


def at(text: str):
    moment = datetime.fromisoformat(text).replace(tzinfo=UTC)
    return time_machine.travel(moment, tick=False)


def streak(user) -> tuple[int, int]:
    db.session.expire_all()
    player = db.session.get(Player, user.id)
    return player.streak_current, player.streak_freezes


def last_day(user) -> str:
    """The last counted day, as an ISO date."""
    db.session.expire_all()
    return date.fromordinal(db.session.get(Player, user.id).streak_last).isoformat()


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


def test_a_submission_just_before_midnight_counts_its_day_though_judged_after(app):
    user = make_user()
    with at("2026-11-30T12:00:00"):
        submit(user, make_challenge())
    with at("2026-12-01T23:59:00"):
        late = create_submission(user, make_challenge(), "python3", GOOD)
    with at("2026-12-02T00:01:00"):  # judged the next day: the 1st still counts, not the 2nd
        judge(late.judgements[0].id)
    assert streak(user) == (2, 0) and last_day(user) == "2026-12-01"


def test_a_rejudge_or_an_override_that_only_confirms_counts_no_day(app):
    teacher, user = make_user(role="teacher"), make_user()
    challenge = make_challenge(owner_id=teacher.id)
    with at("2026-12-01T12:00:00"):
        accepted = submit(user, challenge)
        partial = submit(user, make_challenge(owner_id=teacher.id), "WA", 40.0)
    with at("2026-12-02T12:00:00"):
        judge(staff.rejudge_one(teacher, accepted.id).id, "AC")
        judge(staff.rejudge_one(teacher, partial.id).id, "WA", 40.0)
        staff.override_verdict(teacher, accepted.id, "AC", "confirmed")
    assert streak(user) == (1, 0) and last_day(user) == "2026-12-01"


def test_a_rejudge_that_newly_accepts_counts_the_day_it_was_submitted(app):
    teacher, user = make_user(role="teacher"), make_user()
    with at("2026-12-01T12:00:00"):
        submit(user, make_challenge(owner_id=teacher.id))
    with at("2026-12-02T12:00:00"):
        wronged = submit(user, make_challenge(owner_id=teacher.id), "WA")
    assert last_day(user) == "2026-12-01"
    with at("2026-12-04T12:00:00"):  # the checker is fixed two days later
        judge(staff.rejudge_one(teacher, wronged.id).id, "AC")
    # The 2nd counts (the day the student solved it), not the 4th: no free day, no broken run.
    assert streak(user) == (2, 0) and last_day(user) == "2026-12-02"


def test_an_override_that_newly_accepts_counts_the_day_it_was_submitted(app):
    teacher, user = make_user(role="teacher"), make_user()
    with at("2026-12-01T12:00:00"):
        submit(user, make_challenge(owner_id=teacher.id))
    with at("2026-12-02T12:00:00"):
        wronged = submit(user, make_challenge(owner_id=teacher.id), "WA")
    with at("2026-12-05T12:00:00"):
        staff.override_verdict(teacher, wronged.id, "AC", "checker bug")
    assert streak(user) == (2, 0) and last_day(user) == "2026-12-02"


def test_a_higher_score_counts_its_day_though_it_pays_no_more_xp(app):
    user, challenge = make_user(), make_challenge(difficulty="beginner")  # 10 XP
    with at("2026-12-01T12:00:00"):
        submit(user, challenge, "WA", 50.0)  # pays 5
    with at("2026-12-02T12:00:00"):
        submit(user, challenge, "WA", 55.0)  # 5.5 rounds down to 5: pays nothing more
    assert total(user.id) == 5
    assert streak(user) == (2, 0) and last_day(user) == "2026-12-02"
    with at("2026-12-03T12:00:00"):
        submit(user, challenge, "WA", 55.0)  # no higher: no day
    assert last_day(user) == "2026-12-02"
