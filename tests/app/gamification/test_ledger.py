"""The XP ledger on the verdict's transaction: pays once, reverses, per language, events."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.channels import user_channel
from app.extensions import db
from app.gamification import ledger, xp
from app.judging import service
from app.judging.outcome import JudgeOutcome, TestOutcome
from app.models import BadgeAward, LanguageXpEntry, Player, XpEntry, utcnow
from app.stores import get_redis
from app.submissions import staff
from app.submissions.service import create_submission
from tests.factories import enroll, make_challenge, make_course, make_user

GOOD = "print(sum(map(int, input().split())))\n"


def outcome(verdict: str = "AC", score: float | None = None) -> JudgeOutcome:
    tests = [TestOutcome(1, "01", "", verdict, time_ms=5, memory_kb=100)]
    full = 100.0 if verdict == "AC" else 0.0
    return JudgeOutcome(verdict, full if score is None else score, "", tests, 5, 100)


def judge(judgement_id: int, verdict: str = "AC", score: float | None = None) -> None:
    assert service.start_attempt(judgement_id, "w1") is not None
    assert service.record_result(judgement_id, outcome(verdict, score)) is True


def submit(user, challenge, verdict="AC", score=None, language="python3"):
    submission = create_submission(user, challenge, language, GOOD)
    judge(submission.judgements[0].id, verdict, score)
    return submission


def total(user_id: int) -> int:
    return ledger.total_of(user_id)


def test_a_first_accept_pays_the_difficulty_once(app):
    user, challenge = make_user(), make_challenge(difficulty="hard")
    submit(user, challenge)
    submit(user, challenge)  # the same accepted code again
    assert total(user.id) == 150
    player = db.session.get(Player, user.id)
    assert (player.xp, player.level, player.solved, player.streak_current) == (150, 2, 1, 1)
    guards = db.session.scalars(select(XpEntry.guard)).all()
    assert guards == [f"challenge:{user.id}:{challenge.id}:0"]


def test_partial_scores_pay_the_increase_of_the_best(app):
    user, challenge = make_user(), make_challenge(difficulty="expert")
    submit(user, challenge, "WA", 25.0)
    submit(user, challenge, "WA", 10.0)  # worse: nothing
    submit(user, challenge, "WA", 50.0)
    assert db.session.scalars(select(XpEntry.amount).order_by(XpEntry.id)).all() == [100, 100]
    submit(user, challenge, "AC")
    assert total(user.id) == 400


def test_a_rejudge_that_revokes_the_accept_writes_a_reversal(app):
    teacher, user = make_user(role="teacher"), make_user()
    challenge = make_challenge(owner_id=teacher.id)
    submission = submit(user, challenge)
    again = staff.rejudge_one(teacher, submission.id)
    judge(again.id, "WA")
    amounts = db.session.scalars(select(XpEntry.amount).order_by(XpEntry.id)).all()
    assert amounts == [60, -60] and total(user.id) == 0
    assert db.session.get(Player, user.id).solved == 0
    judge(staff.rejudge_one(teacher, submission.id).id, "AC")  # accepted again: paid again
    assert total(user.id) == 60 and db.session.get(Player, user.id).xp == 60


def test_an_override_is_followed_both_ways(app):
    teacher, user = make_user(role="teacher"), make_user()
    challenge = make_challenge(owner_id=teacher.id)
    submission = submit(user, challenge, "WA")
    assert total(user.id) == 0
    staff.override_verdict(teacher, submission.id, "AC", "checker bug")
    assert total(user.id) == 60
    staff.override_verdict(teacher, submission.id, "AC", "again")  # the same override again
    assert total(user.id) == 60
    staff.override_verdict(teacher, submission.id, "", "")
    assert total(user.id) == 0


def test_sample_runs_never_pay(app):
    user, challenge = make_user(), make_challenge()
    run = create_submission(user, challenge, "python3", GOOD, kind="samples")
    judge(run.judgements[0].id)
    assert total(user.id) == 0 and db.session.get(Player, user.id) is None


def test_the_language_ledger_counts_a_challenge_again_per_language(app):
    user, challenge = make_user(), make_challenge(difficulty="easy")
    submit(user, challenge, language="python3")
    submit(user, challenge, language="c")
    submit(user, challenge, language="c")
    assert total(user.id) == 25
    by_language = dict(
        db.session.execute(
            select(LanguageXpEntry.language, func.sum(LanguageXpEntry.amount)).group_by(
                LanguageXpEntry.language
            )
        ).all()
    )
    assert by_language == {"python3": 25, "c": 25}
    assert sorted(db.session.get(Player, user.id).languages) == ["c", "python3"]


def test_a_course_with_gamification_off_pays_nothing(app):
    course = make_course(gamification=False)
    user = make_user()
    enroll(course, user)
    submit(user, make_challenge(course_id=course.id))
    assert total(user.id) == 0


def test_badges_are_earned_once_and_the_events_follow_the_commit(app):
    user = make_user()
    challenge = make_challenge(difficulty="hard", created_at=utcnow() - timedelta(hours=1))
    pubsub = get_redis().pubsub()
    pubsub.subscribe(user_channel(user.id))
    pubsub.get_message(timeout=1)
    submit(user, challenge)
    submit(user, challenge)
    received = []
    while (message := pubsub.get_message(timeout=0.5)) is not None:
        received.append(json.loads(message["data"]))
    pubsub.close()
    types = [event["type"] for event in received]
    assert types.count("xp.awarded") == 1 and types.count("level.up") == 1
    assert types.count("streak.updated") == 1  # the second accept is the same day
    badges = sorted(e["badge"]["id"] for e in received if e["type"] == "badge.earned")
    assert badges == ["first-accept", "first-try-hard"]
    held = db.session.scalars(select(BadgeAward.badge_id).where(BadgeAward.user_id == user.id))
    assert sorted(held) == badges
    xp_event = next(e for e in received if e["type"] == "xp.awarded")
    assert (xp_event["amount"], xp_event["total"], xp_event["level"]) == (150, 150, 2)


def test_a_comeback_after_five_rejections(app):
    user, challenge = make_user(), make_challenge()
    for _ in range(5):
        submit(user, challenge, "WA")
    submit(user, challenge, "CE")
    submit(user, challenge)
    held = set(db.session.scalars(select(BadgeAward.badge_id)))
    assert "comeback" in held and "first-try-hard" not in held


VERDICT = st.sampled_from(["AC", "WA", "TLE", "CE"])
# Steps: a new submission (in one of three languages) or a rejudge of an earlier one.
STEP = st.tuples(st.sampled_from(["submit", "rejudge", "override"]), st.integers(0, 5),
                 st.sampled_from(["python3", "c", "java"]), VERDICT, st.floats(0, 100))  # fmt: skip


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(STEP, min_size=1, max_size=8))
def test_no_sequence_of_submissions_rejudges_and_overrides_pays_beyond_the_rules(app, steps):
    teacher, user = make_user(role="teacher"), make_user()
    challenge = make_challenge(owner_id=teacher.id)
    submitted = []
    for action, index, language, verdict, score in steps:
        if action == "submit" or not submitted:
            submitted.append(submit(user, challenge, verdict, score, language).id)
        elif action == "rejudge":
            judge(staff.rejudge_one(teacher, submitted[index % len(submitted)]).id, verdict, score)
        else:
            staff.override_verdict(teacher, submitted[index % len(submitted)], verdict, "x")
    best = max((a.best for a in ledger.attempts(user.id, challenge.id)), default=0.0)
    assert total(user.id) == xp.payable(challenge.difficulty, best) <= 60
    player = db.session.get(Player, user.id)  # none until something changed
    assert (player.xp if player else 0) == total(user.id)
    if player is not None:  # the running copies agree with the ledger and the best
        assert player.level == xp.level_of(player.xp)
        assert player.solved == int(best >= 100)
    per_language = db.session.execute(
        select(LanguageXpEntry.language, func.sum(LanguageXpEntry.amount))
        .where(LanguageXpEntry.user_id == user.id)
        .group_by(LanguageXpEntry.language)
    ).all()
    assert all(0 <= amount <= 60 for _, amount in per_language)


def test_first_to_solve_in_a_round_earns_first_blood(app):
    from tests.factories import make_round

    teacher, first, second = make_user(role="teacher"), make_user(), make_user()
    challenge = make_challenge(owner_id=teacher.id)
    round_ = make_round(teacher, [challenge])
    for user in (first, second):
        submission = create_submission(user, challenge, "python3", GOOD, round_=round_)
        judge(submission.judgements[0].id)
    held = set(db.session.execute(select(BadgeAward.user_id, BadgeAward.badge_id)).tuples())
    assert (first.id, "first-blood") in held and (second.id, "first-blood") not in held


def test_two_settlements_racing_on_one_challenge_cannot_both_pay(app, monkeypatch):
    import pytest
    from sqlalchemy.exc import IntegrityError

    user, challenge = make_user(), make_challenge()
    submission = create_submission(user, challenge, "python3", GOOD)
    judgement = submission.judgements[0]
    judgement.status, judgement.verdict, judgement.score = "done", "AC", 100.0
    db.session.commit()
    # Another transaction (a second worker on a repeat of the verdict) pays and commits after
    # this one read the ledger: this one still sees nothing paid.
    with db.engine.begin() as other:
        other.execute(
            XpEntry.__table__.insert().values(
                guard=f"challenge:{user.id}:{challenge.id}:0", user_id=user.id, amount=60,
                source="challenge", challenge_id=challenge.id, created_at=utcnow(),
            )
        )  # fmt: skip
    read = ledger._state  # the attempts as they are, the ledger as it was before the other
    monkeypatch.setattr(
        ledger, "_state", lambda user_id, challenge_id: (read(user_id, challenge_id)[0], {})
    )
    with pytest.raises(IntegrityError):  # the guard key refuses the second payment: retried
        ledger.settle_challenge(user.id, challenge.id, "medium", judgement.id)
    db.session.rollback()
    assert total(user.id) == 60


def test_a_verdict_racing_another_on_the_same_player_is_recorded_again_not_lost(app, monkeypatch):
    from sqlalchemy import update

    from app.errors import Contended
    from app.gamification import handlers, verdict_state
    from app.judging.consequences import verdict_event
    from app.models import Judgement
    from app.stores import retry_transaction

    user, first, second = make_user(), make_challenge(), make_challenge()
    submit(user, first)  # the Player row exists: 60 XP
    submission = create_submission(user, second, "python3", GOOD)
    judgement_id = submission.judgements[0].id
    judgement = submission.judgements[0]
    judgement.status, judgement.verdict, judgement.score = "done", "AC", 100.0
    db.session.commit()
    read, raised = verdict_state.read, []

    def read_then_another_commits(*args):
        state = read(*args)
        if not raised:  # another verdict of this user, committed meanwhile (once)
            with db.engine.begin() as other:
                other.execute(
                    update(Player)
                    .where(Player.user_id == user.id)
                    .values(xp=Player.xp + 10, updated_at=utcnow())
                )
        return state

    def record() -> None:
        try:
            handlers.apply_verdict(verdict_event(db.session.get(Judgement, judgement_id)))
        except Contended:
            raised.append(True)
            raise
        db.session.commit()

    monkeypatch.setattr(verdict_state, "read", read_then_another_commits)
    retry_transaction(record)  # refused once, then recorded again on the new row
    db.session.expire_all()
    assert raised == [True]
    player = db.session.get(Player, user.id)
    assert (player.xp, player.solved) == (60 + 10 + 60, 2)  # neither verdict's totals lost


@pytest.mark.parametrize("stack", ["postgres"], indirect=True)  # row locks: PostgreSQL
def test_two_verdicts_of_one_user_finishing_together_both_pay_without_a_rejudge(app, monkeypatch):
    """Two workers record two verdicts of one user at once (real threads, real database): the
    one whose guarded Player write loses the race records again on the new row, in its own
    attempt: no second judgement, no IE."""
    import os
    import threading

    from app.gamification import verdict_state
    from app.models import Judgement
    from worker import jobs

    assert db.engine.dialect.name == "postgresql"  # row locks and concurrent writers
    app.config["JUDGE_MAX_ATTEMPTS"] = 1  # a lost race would end in IE at once
    app.config["JUDGE_ENGINE_WAIT_SECONDS"] = 0
    monkeypatch.setattr(jobs, "_connections_of", os.getpid())  # threads share the pool
    monkeypatch.setattr(jobs, "judge_source", lambda *args, **kwargs: outcome("AC"))
    user = make_user()
    ids = [
        create_submission(user, make_challenge(), "python3", GOOD).judgements[0].id
        for _ in range(2)
    ]
    db.session.remove()
    read, both_read, reads = verdict_state.read, threading.Barrier(2), []
    lock = threading.Lock()

    def read_together(*args):
        state = read(*args)
        with lock:
            reads.append(args)
            first_two = len(reads) <= 2
        if first_two:  # both read the Player row before either writes it
            both_read.wait(30)
        return state

    monkeypatch.setattr(verdict_state, "read", read_together)
    results: dict[int, object] = {}

    def work(judgement_id: int) -> None:
        with app.app_context():
            try:
                results[judgement_id] = jobs.judge(judgement_id)
            except BaseException as error:  # noqa: BLE001  (asserted below)
                results[judgement_id] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == {ids[0]: "AC", ids[1]: "AC"}
    assert len(reads) >= 3  # the loser read again (recorded again), and was not judged again
    judgements = [db.session.get(Judgement, i) for i in ids]
    assert [(j.status, j.verdict, j.attempts) for j in judgements] == [("done", "AC", 1)] * 2
    player = db.session.get(Player, user.id)
    assert (player.xp, player.solved) == (120, 2) and total(user.id) == 120


def while_a_verdict_holds_the_player(app, user_id: int, work) -> None:
    """work() on a thread (its own session) while another transaction, a verdict of the user,
    has added 10 XP to the Player row and not yet committed; that one commits half a second
    later. PostgreSQL only (row locks)."""
    import threading
    import time

    from sqlalchemy import update

    assert db.engine.dialect.name == "postgresql"  # the callers run on PostgreSQL only
    db.session.commit()
    db.session.remove()
    errors: list[BaseException] = []

    def run() -> None:
        with app.app_context():
            try:
                work()
            except BaseException as error:  # noqa: BLE001  (asserted below)
                errors.append(error)
            finally:
                db.session.remove()

    with db.engine.connect() as other:
        other.execute(
            update(Player)
            .where(Player.user_id == user_id)
            .values(xp=Player.xp + 10, updated_at=utcnow())
        )
        thread = threading.Thread(target=run)
        thread.start()
        time.sleep(0.5)  # the work reads (and would write) the row meanwhile
        other.commit()
    thread.join(30)
    assert not thread.is_alive() and not errors
    db.session.expire_all()
