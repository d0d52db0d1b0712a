"""Boss Fights on real stores: start, hits on verdicts, idempotent damage, defeat, escape."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.channels import boss_channel
from app.errors import TooMany, ValidationError
from app.extensions import db
from app.gamification import boss, boss_end
from app.judging import service
from app.judging.outcome import JudgeOutcome, TestOutcome
from app.models import BadgeAward, BossFight, BossHit, Player, XpEntry, utcnow
from app.stores import get_redis
from app.submissions import staff
from app.submissions.service import create_submission
from tests.factories import enroll, make_challenge, make_course, make_user

GOOD = "print(sum(map(int, input().split())))\n"
FOUR = [("1 2\n", "3\n"), ("2 2\n", "4\n"), ("3 2\n", "5\n"), ("4 2\n", "6\n")]


@pytest.fixture
def fight(app):
    """A course of three students and a running boss over one 4-test challenge (HP 7.2)."""
    teacher = make_user(role="teacher")
    course = make_course(owner=teacher)
    students = [make_user(name=f"Kid {n}") for n in range(3)]
    for student in students:
        enroll(course, student)
    challenge = make_challenge(FOUR, course_id=course.id, owner_id=teacher.id)
    spec = boss.BossSpec("Bug King", [challenge.id], course_id=course.id, hints=["h1", "h2"])
    return boss.start(teacher, spec), teacher, students, challenge


def judge(submission, verdicts):
    judgement = submission.judgements[-1]
    tests = [
        TestOutcome(n, t.name, "", v, test_case_id=t.id)
        for n, (t, v) in enumerate(zip(submission.challenge.tests, verdicts, strict=False), 1)
    ]
    verdict = next((v for v in verdicts if v != "AC"), "AC")
    score = 100.0 * verdicts.count("AC") / len(submission.challenge.tests)
    assert service.start_attempt(judgement.id, "w1") is not None
    assert service.record_result(judgement.id, JudgeOutcome(verdict, score, "", tests, 5, 100))


def submit(user, challenge, verdicts):
    get_redis().delete(f"ratelimit:boss:{user.id}")  # the 30 s limit has its own test
    submission = create_submission(user, challenge, "python3", GOOD)
    judge(submission, verdicts)
    return submission


def test_hp_is_participants_times_points_times_six_tenths(fight):
    boss_fight, *_ = fight
    assert boss_fight.hp_max == pytest.approx(3 * 4 * 0.6)
    assert boss_fight.xp_reward == 60 and boss_fight.ends_at - boss_fight.starts_at == timedelta(
        minutes=20
    )


def test_a_fight_needs_challenges_and_participants(app):
    teacher = make_user(role="teacher")
    empty = make_course(owner=teacher)
    challenge = make_challenge(owner_id=teacher.id)
    with pytest.raises(ValidationError, match="one to three"):
        boss.start(teacher, boss.BossSpec("x", [], course_id=empty.id))
    with pytest.raises(ValidationError, match="Nobody"):
        boss.start(teacher, boss.BossSpec("x", [challenge.id], course_id=empty.id))
    assert db.session.scalar(select(BossFight.id)) is None


def test_new_passes_hit_once_and_wrong_answers_cost_nothing(fight):
    boss_fight, teacher, (kid, *_), challenge = fight
    pubsub = get_redis().pubsub()
    pubsub.subscribe(boss_channel(boss_fight.id))
    pubsub.get_message(timeout=1)
    submit(kid, challenge, ["AC", "AC", "WA", "WA"])
    submit(kid, challenge, ["AC", "AC", "WA", "WA"])  # the same tests again: no damage
    submit(kid, challenge, ["WA", "WA", "WA", "WA"])
    assert boss.damage_of(boss_fight.id) == 2.0
    done = submit(kid, challenge, ["AC", "AC", "AC", "AC"])
    # Two new tests and the critical (20% of the challenge's 4 points).
    assert boss.damage_of(boss_fight.id) == pytest.approx(4.8)
    judge_again = staff.rejudge_one(teacher, done.id)
    judge(type("S", (), {"judgements": [judge_again], "challenge": challenge})(), ["AC"] * 4)
    assert boss.damage_of(boss_fight.id) == pytest.approx(4.8)  # a rejudge deals nothing new
    assert boss.current_damage(boss_fight.id) == pytest.approx(4.8)  # the Redis counter agrees
    hits = []
    while (message := pubsub.get_message(timeout=0.5)) is not None:
        hits.append(json.loads(message["data"]))
    pubsub.close()
    assert [h["damage"] for h in hits if h["type"] == "boss.hit"] == [1.0, 1.0, 1.0, 1.0, 0.8]
    assert hits[-1]["critical"] is True and hits[-1]["hp_left"] == pytest.approx(2.4)
    assert hits[-1]["hints"] == ["h1"]  # 2.4 of 7.2 is 33.3% left: the second hint waits


def test_the_class_defeats_the_boss_and_everyone_earns_the_xp(fight):
    boss_fight, _, kids, challenge = fight
    submit(kids[0], challenge, ["AC"] * 4)
    submit(kids[1], challenge, ["AC", "AC", "WA", "WA"])
    assert db.session.get(BossFight, boss_fight.id).state == "running"
    submit(kids[1], challenge, ["AC"] * 4)  # 4.8 + 4.8 ≥ 7.2
    fight_now = db.session.get(BossFight, boss_fight.id)
    assert fight_now.state == "defeated"
    assert fight_now.report["passes"] == {f"test:{t.id}": 2 for t in challenge.tests}
    boss_xp = db.session.scalars(select(XpEntry.amount).where(XpEntry.source == "boss")).all()
    assert boss_xp == [60, 60, 60]  # the same for everyone, the idle kid too
    assert all(db.session.get(Player, k.id).bosses_defeated == 1 for k in kids)
    assert db.session.scalar(select(BadgeAward.id).where(BadgeAward.badge_id == "boss-slayer"))
    submit(kids[2], challenge, ["AC"] * 4)  # after the defeat: no more hits
    assert db.session.scalar(select(BossHit.id).where(BossHit.user_id == kids[2].id)) is None


def test_an_escape_pays_in_proportion_to_the_damage_once(fight):
    boss_fight, _, kids, challenge = fight
    submit(kids[0], challenge, ["AC", "AC", "AC", "WA"])  # 3 of 7.2
    later = utcnow() + timedelta(minutes=21)
    boss_end.settle_if_over(boss_fight.id, later)
    boss_end.settle_if_over(boss_fight.id, later)
    assert db.session.get(BossFight, boss_fight.id).state == "escaped"
    boss_xp = db.session.scalars(select(XpEntry.amount).where(XpEntry.source == "boss")).all()
    assert boss_xp == [25] * 3  # 3 of 7.2 HP: 5/12 of 60


def test_one_submission_every_thirty_seconds_during_a_fight(fight):
    _, _, (kid, *_), challenge = fight
    create_submission(kid, challenge, "python3", GOOD)
    with pytest.raises(TooMany, match="30 s"):
        create_submission(kid, challenge, "python3", GOOD)
    other = make_challenge()
    create_submission(kid, other, "python3", GOOD)  # not a boss challenge: no boss limit


def test_the_redis_counter_is_rebuilt_from_sql(fight):
    boss_fight, _, (kid, *_), challenge = fight
    submit(kid, challenge, ["AC", "WA", "WA", "WA"])
    get_redis().delete(f"boss:damage:{boss_fight.id}")
    assert boss.current_damage(boss_fight.id) == 1.0
    submit(kid, challenge, ["AC", "AC", "WA", "WA"])
    assert boss.current_damage(boss_fight.id) == 2.0


def test_the_counter_is_set_at_the_start(fight):
    boss_fight, *_ = fight
    assert float(get_redis().get(f"boss:damage:{boss_fight.id}")) == 0.0


@pytest.mark.parametrize("order", [(0, 1), (1, 0)], ids=["in-order", "out-of-order"])
def test_two_hits_committed_at_once_on_a_missing_counter_count_once(app, fight, order):
    """Two workers commit a hit each before either updates Redis, whose key is gone: the
    first to get there rebuilt it from SQL (both hits) and the second added its own again."""
    from app.judging.consequences import AFTER_COMMIT, register

    boss_fight, _, kids, challenge = fight
    held = []  # the hits' after-commit handlers, run once both are committed
    register(app, AFTER_COMMIT, held.append, real_only=True,
             name=f"{boss.announce_hits.__module__}.{boss.announce_hits.__qualname__}")  # fmt: skip
    get_redis().delete(f"boss:damage:{boss_fight.id}")
    submit(kids[0], challenge, ["AC", "WA", "WA", "WA"])
    submit(kids[1], challenge, ["AC", "AC", "WA", "WA"])
    pubsub = get_redis().pubsub()
    pubsub.subscribe(boss_channel(boss_fight.id))
    pubsub.get_message(timeout=1)
    for index in order:
        boss.announce_hits(held[index])
    left = []
    while (message := pubsub.get_message(timeout=0.5)) is not None:
        left.append(json.loads(message["data"])["hp_left"])
    pubsub.close()
    assert boss.damage_of(boss_fight.id) == 3.0
    assert boss.current_damage(boss_fight.id) == 3.0  # what the projector reads
    assert left[-1] == pytest.approx(7.2 - 3.0)  # the feed ends on what SQL holds


def test_pages_projector_and_access(fight, client, auth):
    boss_fight, teacher, (kid, *_), _ = fight
    stranger = make_user()
    assert client.get(f"/boss/{boss_fight.id}/projector/{boss_fight.secret}").status_code == 200
    assert client.get(f"/boss/{boss_fight.id}/projector/wrong").status_code == 404
    state = client.get(f"/boss/{boss_fight.id}/state.json?key={boss_fight.secret}").get_json()
    assert state["hp_left"] == pytest.approx(7.2) and state["hints"] == []
    auth.login(stranger.email)
    assert client.get(f"/boss/{boss_fight.id}").status_code == 404
    auth.logout()
    auth.login(kid.email)
    page = client.get(f"/boss/{boss_fight.id}").get_data(as_text=True)
    assert "boss-hp-bar" in page and "projector-link" not in page
    auth.logout()
    auth.login(teacher.email)
    assert "projector-link" in client.get(f"/boss/{boss_fight.id}").get_data(as_text=True)


def test_a_teacher_starts_a_fight_from_a_round_page_for_its_participants(app, client, auth):
    from app.contests import participation
    from tests.conftest import submit as send_form
    from tests.factories import make_round

    teacher = make_user(role="teacher")
    problems = [make_challenge(FOUR, owner_id=teacher.id, title=f"P{n}") for n in range(4)]
    round_ = make_round(teacher, problems)
    joined = [make_user(name=f"In {n}") for n in range(2)]
    for kid in joined:
        participation.join(kid, round_)
    make_user(name="Not registered")
    auth.login(teacher.email)
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert f"/boss/new?round_id={round_.id}" in page
    url = f"/boss/new?round_id={round_.id}"
    form = client.get(url).get_data(as_text=True)
    assert all(f">P{n}<" in form for n in range(4))  # the round's problems to pick from
    too_many = send_form(client, url, {"name": "Hydra", "minutes": "15",
                                       "challenge_ids": [str(p.id) for p in problems]})  # fmt: skip
    assert too_many.status_code == 400 and "one to three" in too_many.get_data(as_text=True)
    done = send_form(client, url, {"name": "Hydra", "minutes": "15",
                                   "challenge_ids": [str(problems[0].id), str(problems[1].id)]})  # fmt: skip
    assert done.status_code == 302
    fight = db.session.scalar(select(BossFight).where(BossFight.round_id == round_.id))
    assert fight is not None and fight.course_id is None
    assert fight.participant_ids == sorted(kid.id for kid in joined)
    assert fight.challenge_ids == [problems[0].id, problems[1].id]
    assert fight.hp_max == pytest.approx(2 * 8 * 0.6)
    assert fight.ends_at - fight.starts_at == timedelta(minutes=15)


def test_a_round_with_nobody_registered_has_no_fight(app, client, auth):
    from tests.conftest import submit as send_form
    from tests.factories import make_round

    teacher = make_user(role="teacher")
    round_ = make_round(teacher, [make_challenge(FOUR, owner_id=teacher.id)])
    auth.login(teacher.email)
    url = f"/boss/new?round_id={round_.id}"
    challenge_id = round_.problems[0].challenge_id
    refused = send_form(
        client, url, {"name": "X", "minutes": "20", "challenge_ids": [str(challenge_id)]}
    )
    assert refused.status_code == 400 and "Nobody to fight with" in refused.get_data(as_text=True)
    assert db.session.scalar(select(BossFight.id)) is None


def test_a_workers_tick_settles_an_escape_no_page_asked_about(fight):
    boss_fight, _, kids, challenge = fight
    submit(kids[0], challenge, ["AC", "WA", "WA", "WA"])  # 1 of 7.2
    assert boss_end.settle_overdue() == []  # still running
    later = utcnow() + timedelta(minutes=21)
    assert boss_end.settle_overdue(later) == [boss_fight.id]
    assert boss_end.settle_overdue(later) == []
    assert db.session.get(BossFight, boss_fight.id).state == "escaped"
    boss_xp = db.session.scalars(select(XpEntry.amount).where(XpEntry.source == "boss")).all()
    assert boss_xp == [8] * 3  # 1 of 7.2 HP: floor(60 / 7.2)


def test_the_teachers_report_names_every_test_and_every_participant(fight, client, auth):
    boss_fight, teacher, kids, challenge = fight
    submit(kids[0], challenge, ["AC", "AC", "AC", "WA"])
    submit(kids[1], challenge, ["AC", "WA", "WA", "WA"])
    boss_end.settle_if_over(boss_fight.id, utcnow() + timedelta(minutes=21))
    report = boss_end.report_page(db.session.get(BossFight, boss_fight.id))
    assert [count for _, _, count in report.passes] == [2, 1, 1, 0]  # the last: nobody
    assert [name for _, name, _ in report.passes] == [t.name for t in challenge.tests]
    assert report.contributions == [("Kid 0", 3.0, 0.75), ("Kid 1", 1.0, 0.25), ("Kid 2", 0.0, 0.0)]
    auth.login(teacher.email)
    page = client.get(f"/boss/{boss_fight.id}").get_data(as_text=True)
    assert "boss-report-passes" in page and "0 of 3" in page and "Kid 2" in page


def _frozen_round(teacher, minutes_to_freeze: float):
    """A contest open for two hours from 5 minutes ago, its board freezing in minutes_to_freeze
    (negative: frozen already), one participant joined."""
    from app.contests import participation
    from tests.factories import make_round

    now = utcnow()
    round_ = make_round(
        teacher, [make_challenge(FOUR, owner_id=teacher.id)], starts_at=now - timedelta(minutes=5),
        freeze_at=now + timedelta(minutes=minutes_to_freeze),
    )  # fmt: skip
    participation.join(make_user(), round_)
    return round_


def test_a_round_whose_board_is_frozen_gets_no_boss_fight(app, client, auth):
    """Every hit goes out live on boss:<id>: a fight in a frozen round would leak its results."""
    from app.contests import state

    teacher = make_user(role="teacher")
    frozen = _frozen_round(teacher, -1)
    spec = boss.BossSpec("Leak", [frozen.problems[0].challenge_id], round_id=frozen.id, minutes=5)
    with pytest.raises(ValidationError, match="freeze_at") as refused:
        boss.start(teacher, spec)
    assert refused.value.field == "minutes"
    auth.login(teacher.email)
    page = client.get(f"/rounds/{frozen.id}").get_data(as_text=True)
    assert "boss-link" not in page  # no button on a frozen round's page
    state.thaw(teacher, frozen)
    assert boss.start(teacher, spec).round_id == frozen.id  # thawed: nothing left to leak
    assert "boss-link" in client.get(f"/rounds/{frozen.id}").get_data(as_text=True)


def test_a_fight_may_not_run_into_the_rounds_freeze(app):
    teacher = make_user(role="teacher")
    round_ = _frozen_round(teacher, 10)
    challenge_id = round_.problems[0].challenge_id
    with pytest.raises(ValidationError, match="freeze_at"):
        boss.start(teacher, boss.BossSpec("Late", [challenge_id], round_id=round_.id, minutes=20))
    assert db.session.scalar(select(BossFight.id)) is None
    fight = boss.start(teacher, boss.BossSpec("Early", [challenge_id], round_id=round_.id,
                                              minutes=5))  # fmt: skip
    assert fight.ends_at < round_.freeze_at


def test_only_the_hosts_staff_start_a_fight_and_not_with_gamification_off(app):
    from app.errors import Forbidden, NotFound

    teacher, stranger = make_user(role="teacher"), make_user(role="teacher")
    course = make_course(owner=teacher)
    kid = make_user()
    enroll(course, kid)
    challenge = make_challenge(FOUR, course_id=course.id, owner_id=teacher.id)
    round_ = _frozen_round(teacher, 60)
    in_round = round_.problems[0].challenge_id
    for user in (stranger, kid):
        with pytest.raises((Forbidden, NotFound)):
            boss.start(user, boss.BossSpec("x", [challenge.id], course_id=course.id))
        with pytest.raises((Forbidden, NotFound)):
            boss.start(user, boss.BossSpec("x", [in_round], round_id=round_.id, minutes=5))
    mine = make_challenge(FOUR, owner_id=stranger.id)  # not the teacher's, not the course's
    with pytest.raises(ValidationError, match="No such challenge"):
        boss.start(teacher, boss.BossSpec("x", [mine.id], course_id=course.id))
    course.gamification = False
    db.session.commit()
    with pytest.raises(Forbidden, match="Gamification is switched off"):
        boss.start(teacher, boss.BossSpec("x", [challenge.id], course_id=course.id))
    assert db.session.scalar(select(BossFight.id)) is None


def test_a_round_course_with_gamification_off_refuses_a_round_fight(app):
    from app.contests import participation
    from app.errors import Forbidden
    from tests.factories import make_round

    teacher = make_user(role="teacher")
    course = make_course(owner=teacher)
    kid = make_user()
    enroll(course, kid)
    challenge = make_challenge(FOUR, course_id=course.id, owner_id=teacher.id)
    round_ = make_round(teacher, [challenge], visibility="course", course_id=course.id)
    participation.join(kid, round_)
    course.gamification = False
    db.session.commit()
    with pytest.raises(Forbidden, match="Gamification is switched off"):
        boss.start(teacher, boss.BossSpec("x", [challenge.id], round_id=round_.id))


def test_the_rounds_staff_see_a_round_fights_report(app):
    from app.contests import participation
    from app.gamification import boss_access
    from tests.factories import make_round

    teacher, admin = make_user(role="teacher"), make_user(role="admin")
    course = make_course(owner=teacher)
    kid = make_user()
    enroll(course, kid)
    challenge = make_challenge(FOUR, course_id=course.id, owner_id=teacher.id)
    round_ = make_round(teacher, [challenge], visibility="course", course_id=course.id)
    participation.join(kid, round_)
    fight = boss.start(admin, boss.BossSpec("x", [challenge.id], round_id=round_.id))
    assert boss_access.runs(teacher, fight)  # the round's owner and its course's teacher
    assert not boss_access.runs(kid, fight) and not boss_access.runs(make_user(), fight)


@pytest.mark.parametrize("stack", ["postgres"], indirect=True)  # row locks: PostgreSQL
def test_an_escape_paid_while_a_verdict_commits_keeps_the_verdicts_xp(app, fight):
    from tests.app.gamification.test_ledger import while_a_verdict_holds_the_player

    boss_fight, _, kids, challenge = fight
    submit(kids[0], challenge, ["AC", "WA", "WA", "WA"])  # 1 of 7.2
    kid_id, boss_id, later = kids[0].id, boss_fight.id, utcnow() + timedelta(minutes=21)
    before = db.session.get(Player, kid_id).xp
    while_a_verdict_holds_the_player(app, kid_id, lambda: boss_end.settle_if_over(boss_id, later))
    assert db.session.get(BossFight, boss_id).state == "escaped"
    assert db.session.get(Player, kid_id).xp == before + 10 + 8  # neither lost


def test_one_fight_failing_to_settle_does_not_stop_the_others(fight, monkeypatch):
    boss_fight, teacher, kids, challenge = fight
    course_id = boss_fight.course_id
    other = boss.start(teacher, boss.BossSpec("Second", [challenge.id], course_id=course_id))
    first_id, other_id = boss_fight.id, other.id
    assert first_id < other_id
    build = boss_end.build_report

    def broken_for_the_first(fought):
        if fought.id == first_id:
            raise RuntimeError("report broken")
        return build(fought)

    monkeypatch.setattr(boss_end, "build_report", broken_for_the_first)
    later = utcnow() + timedelta(minutes=21)
    assert boss_end.settle_overdue(later) == [other_id]  # the first is logged, not settled
    assert db.session.get(BossFight, other_id).state == "escaped"
    assert db.session.get(BossFight, first_id).state == "running"
    monkeypatch.setattr(boss_end, "build_report", build)
    assert boss_end.settle_overdue(later) == [first_id]  # the next tick settles it
    assert db.session.get(BossFight, first_id).state == "escaped"
