"""A finalized round pays its medals and first solves once, and the medal badges follow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.contests import state
from app.extensions import db
from app.models import BadgeAward, Player, XpEntry
from app.submissions.service import create_submission
from tests.app.gamification.test_ledger import GOOD, judge
from tests.factories import make_challenge, make_round, make_user


def test_medals_and_first_solves_pay_once_when_the_round_is_final(app):
    teacher, ada, bob = make_user(role="teacher"), make_user(), make_user()
    challenge = make_challenge(owner_id=teacher.id)
    round_ = make_round(teacher, [challenge])
    round_.gold_medals = round_.silver_medals = round_.bronze_medals = 1  # not the ICPC 4/4/4
    db.session.commit()
    judge(create_submission(ada, challenge, "python3", GOOD, round_=round_).judgements[0].id)
    wrong = create_submission(bob, challenge, "python3", GOOD, round_=round_)
    judge(wrong.judgements[0].id, "WA")  # 20 minutes of penalty: Bob is second
    judge(create_submission(bob, challenge, "python3", GOOD, round_=round_).judgements[0].id)
    contest_rows = select(XpEntry.user_id, XpEntry.amount, XpEntry.guard).where(
        XpEntry.source == "contest"
    )
    assert db.session.execute(contest_rows).all() == []  # nothing before the results are final
    state.finalize(None, round_, now=round_.ends_at + timedelta(minutes=1))
    state.finalize(None, round_, now=round_.ends_at + timedelta(minutes=2))  # again: no-op
    paid = {(user_id, amount) for user_id, amount, _ in db.session.execute(contest_rows)}
    # Ada solved first: gold and the first solve; Bob silver.
    assert paid == {(ada.id, 300), (ada.id, 50), (bob.id, 200)}
    assert db.session.get(Player, ada.id).medals == 1
    held = set(db.session.execute(select(BadgeAward.user_id, BadgeAward.badge_id)).tuples())
    assert {(ada.id, "medal"), (bob.id, "medal"), (ada.id, "first-blood")} <= held
    from app.gamification import contest_xp

    contest_xp.settle_round(round_)  # a retry pays nothing more
    assert len(db.session.execute(contest_rows).all()) == 3


def test_a_round_finalized_while_frozen_pays_at_the_unfreeze(app):
    teacher, ada = make_user(role="teacher"), make_user()
    challenge = make_challenge(owner_id=teacher.id)
    round_ = make_round(teacher, [challenge])
    round_.freeze_at = round_.starts_at + timedelta(minutes=1)
    db.session.commit()
    judge(create_submission(ada, challenge, "python3", GOOD, round_=round_).judgements[0].id)
    after = round_.ends_at + timedelta(minutes=1)
    state.finalize(None, round_, now=after)
    assert db.session.scalar(select(XpEntry.id).where(XpEntry.source == "contest")) is None
    state.thaw(None, round_, now=after)
    assert db.session.scalar(select(XpEntry.id).where(XpEntry.source == "contest")) is not None


@pytest.mark.parametrize("stack", ["postgres"], indirect=True)  # row locks: PostgreSQL
def test_medals_paid_while_a_verdict_commits_keep_the_verdicts_xp(app):
    from app.models import Round
    from tests.app.gamification.test_ledger import while_a_verdict_holds_the_player

    teacher, ada = make_user(role="teacher"), make_user()
    challenge = make_challenge(owner_id=teacher.id)
    round_ = make_round(teacher, [challenge])
    round_.gold_medals = round_.silver_medals = round_.bronze_medals = 1
    db.session.commit()
    judge(create_submission(ada, challenge, "python3", GOOD, round_=round_).judgements[0].id)
    ada_id, round_id, after = ada.id, round_.id, round_.ends_at + timedelta(minutes=1)
    before = db.session.get(Player, ada_id).xp
    while_a_verdict_holds_the_player(
        app, ada_id, lambda: state.finalize(None, db.session.get(Round, round_id), now=after)
    )
    player = db.session.get(Player, ada_id)
    assert (player.xp, player.medals) == (before + 10 + 300 + 50, 1)  # neither lost


def test_a_virtual_run_pays_no_contest_xp_and_moves_no_medal(app):
    from app.models import Round
    from tests.app.contests.replays import RUN, at, finalized_contest

    replay = finalized_contest(app)  # finalized while frozen: it pays at the unfreeze
    replay.run()  # Vi's run would win it: two problems in 65 minutes
    with at(RUN + timedelta(days=1)):
        state.thaw(None, db.session.get(Round, replay.round.id))
    ids = {user.id: name for name, user in replay.people.items()}
    rows = select(XpEntry.user_id, XpEntry.guard).where(XpEntry.source == "contest")
    paid = {(ids[user_id], guard.split(":")[2]) for user_id, guard in db.session.execute(rows)}
    assert paid == {("ada", "gold-medal"), ("ada", "first-to-solve-A"), ("bob", "silver-medal"),
                    ("cy", "bronze-medal"), ("cy", "first-to-solve-B")}  # fmt: skip
    vi = db.session.get(Player, replay.people["vi"].id)
    assert vi is not None and vi.xp > 0 and not vi.medals  # her solves' own XP, no medal
