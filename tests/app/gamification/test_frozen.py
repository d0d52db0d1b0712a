"""A contest freeze holds back the XP, badges and streak of a result the public may not see:
nothing on a classmate's board tells it before the unfreeze, which pays it once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.contests import state
from app.extensions import db
from app.gamification import boards, frozen
from app.models import BadgeAward, Player, Round, XpEntry
from app.submissions.service import create_submission
from tests.app.gamification.test_ledger import GOOD, judge
from tests.factories import enroll, make_challenge, make_course, make_round, make_user


def _xp(user_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(XpEntry.amount), 0)).where(XpEntry.user_id == user_id)
    )


def test_a_result_after_the_freeze_pays_only_at_the_unfreeze(app):
    teacher, ada, bob = make_user(role="teacher"), make_user(name="Ada"), make_user(name="Bob")
    course = make_course(teacher)
    for student in (ada, bob):
        enroll(course, student)
    early, late = (make_challenge(owner_id=teacher.id, course_id=course.id) for _ in range(2))
    round_ = make_round(teacher, [early, late], course_id=course.id)
    round_.freeze_at = round_.starts_at + timedelta(minutes=2)  # it started 5 minutes ago
    db.session.commit()
    # Bob's accept before the freeze is public: it pays at once.
    before = create_submission(bob, early, "python3", GOOD, round_=round_)
    before.created_at = round_.starts_at + timedelta(minutes=1)  # sent at minute 1
    db.session.commit()
    judge(before.judgements[0].id)
    assert _xp(bob.id) > 0
    # Ada's accept after the freeze: nothing paid, nothing on the board, no badge.
    judge(create_submission(ada, late, "python3", GOOD, round_=round_).judgements[0].id)
    assert _xp(ada.id) == 0
    assert db.session.scalar(select(func.count()).select_from(BadgeAward)
                             .where(BadgeAward.user_id == ada.id)) == 0  # fmt: skip
    board = {e.user_id: e.value for e in boards.course_board(course, bob.id, staff=True)}
    assert board[ada.id] == 0 and board[bob.id] > 0
    player = db.session.get(Player, ada.id)
    assert player is None or (player.xp, player.streak_current) == (0, 0)
    # The unfreeze pays it, once, with the first-accept badge.
    state.thaw(None, db.session.get(Round, round_.id))
    paid = _xp(ada.id)
    assert paid > 0 and db.session.get(Player, ada.id).xp == paid
    assert db.session.get(Player, ada.id).streak_current == 1
    assert db.session.scalar(select(func.count()).select_from(BadgeAward)
                             .where(BadgeAward.user_id == ada.id)) > 0  # fmt: skip
    frozen.release(db.session.get(Round, round_.id))  # again: nothing more
    assert _xp(ada.id) == paid
    # After the unfreeze a verdict pays at once.
    judge(create_submission(bob, late, "python3", GOOD, round_=round_).judgements[0].id)
    assert _xp(bob.id) > 0 and len(db.session.scalars(
        select(XpEntry).where(XpEntry.user_id == bob.id)).all()) == 2  # fmt: skip
