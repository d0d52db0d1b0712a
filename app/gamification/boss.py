"""Boss Fights: start one, its hits on the verdict's transaction, its HP (the end: boss_end).

The BossHit rows are the record (one per boss, user and target). The damage on Redis
(`boss:damage:<id>`, set to 0 at the start) is the highest total of them read from SQL: each
hit publishes the total its own transaction read under the fight's row lock, and a page that
finds the key missing publishes what SQL holds. Damage only grows, so the highest total is the
newest: two hits announced in either order, or a rebuild racing a hit, neither count a hit
twice nor lose one (an increment on a key another process is rebuilding from SQL did both).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import redis
from sqlalchemy import select

from app.channels import boss_channel
from app.errors import Forbidden, TooMany, ValidationError
from app.extensions import db
from app.gamification import boss_access, boss_events, boss_rules, players, xp
from app.gamification.boss_end import damage_of, finish
from app.gamification.boss_rules import TestPoint
from app.gamification.outcomes import Outcome, send
from app.judging.consequences import Judged
from app.live import publish
from app.models import (
    BossFight,
    BossHit,
    Challenge,
    Course,
    Enrollment,
    ParticipantMember,
    Round,
    TestResult,
    User,
    utcnow,
)
from app.stores import bound_lock_holding, get_redis, take_from_window

log = logging.getLogger(__name__)
_PENDING = "codedev.gamification.boss"
# Submissions on a boss's challenges while it runs: one per user every 30 s.
RATE_SECONDS = 30
# A fight lasts at most 240 minutes: its counter outlives it by far, then Redis forgets it.
COUNTER_SECONDS = 24 * 3600
# Raise the counter to ARGV[1] unless it holds more already; what it holds after.
_RAISE_TO = """
local held = redis.call('GET', KEYS[1])
if held and tonumber(held) >= tonumber(ARGV[1]) then return held end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return ARGV[1]
"""


@dataclass(frozen=True)
class BossSpec:
    name: str
    challenge_ids: list[int]
    course_id: int | None = None
    round_id: int | None = None
    minutes: int = boss_rules.DEFAULT_MINUTES
    hints: list[str] = field(default_factory=list)


def points_of(challenge: Challenge) -> dict[int, float]:
    """The points of each test of a challenge (boss_rules.test_points)."""
    groups = {g.id: g.name for g in challenge.groups}
    tests = [
        TestPoint(t.id, groups.get(t.group_id) if t.group_id else None) for t in challenge.tests
    ]
    return boss_rules.test_points(tests, {g.name: g.points for g in challenge.groups})


def participants_of(course_id: int | None, round_id: int | None) -> list[int]:
    """The students of a course, or the members of a round's participants."""
    if round_id is not None:
        query = select(ParticipantMember.user_id).where(ParticipantMember.round_id == round_id)
    else:
        query = select(Enrollment.user_id).where(
            Enrollment.course_id == course_id, Enrollment.role == "student"
        )
    return sorted(set(db.session.scalars(query)))


def start(owner: User, spec: BossSpec, now: datetime | None = None) -> BossFight:
    """Start a fight now, as the course's teacher or the round's staff (NotFound/Forbidden
    else); refused in a course with gamification off, with no challenge, more than three, one
    the owner may not use, no participants, or in a round whose frozen board it would leak."""
    ids = list(dict.fromkeys(spec.challenge_ids))
    if (spec.course_id is None) == (spec.round_id is None):
        raise ValidationError("A boss fight is for one course or one round.")
    host = boss_access.host_of(owner, spec.course_id, spec.round_id)
    course = host if isinstance(host, Course) else host.course
    if course is not None and not course.gamification:
        raise Forbidden("Gamification is switched off in this course: no boss fights.")
    if not boss_rules.MIN_CHALLENGES <= len(ids) <= boss_rules.MAX_CHALLENGES:
        raise ValidationError("Pick one to three challenges.", field="challenge_ids")
    if not 1 <= spec.minutes <= 240:
        raise ValidationError("The window is 1 to 240 minutes.", field="minutes")
    now = now or utcnow()
    if isinstance(host, Round):
        _refuse_frozen(host, now, now + timedelta(minutes=spec.minutes))
    challenges = [db.session.get(Challenge, i) for i in ids]
    if any(c is None for c in challenges):
        raise ValidationError("No such challenge.", field="challenge_ids")
    allowed = boss_access.challenge_choices(owner, host)
    if any(c is not None and not boss_access.may_use(owner, c, allowed) for c in challenges):
        raise ValidationError("No such challenge.", field="challenge_ids")
    people = participants_of(spec.course_id, spec.round_id)
    if not people:
        raise ValidationError("Nobody to fight with: the course or round has no students yet.")
    total = sum(sum(points_of(c).values()) for c in challenges if c is not None)
    if total <= 0:
        raise ValidationError("The challenges have no tests worth points.", field="challenge_ids")
    boss = BossFight(
        course_id=spec.course_id, round_id=spec.round_id, owner_id=owner.id,
        name=spec.name.strip() or "The Boss", challenge_ids=ids, participant_ids=people,
        hp_max=boss_rules.hp(len(people), total), hints=[h for h in spec.hints if h.strip()][:2],
        starts_at=now, ends_at=now + timedelta(minutes=spec.minutes), state="running",
        secret=secrets.token_urlsafe(24),
        xp_reward=sum(xp.full_xp(c.difficulty) for c in challenges if c is not None),
        report={},
    )  # fmt: skip
    db.session.add(boss)
    db.session.commit()
    publish_damage(boss.id, 0.0)
    publish(boss_channel(boss.id), boss_events.state(boss, 0.0, now))
    return boss


def _refuse_frozen(round_: Round, starts: datetime, ends: datetime) -> None:
    """Every hit goes out live (who, damage, a full solve) to the projector and the class: a
    fight of a round may not run while its board is frozen (freeze_at until it is thawed)."""
    if round_.freeze_at is None or round_.thawed_at is not None or ends <= round_.freeze_at:
        return
    if starts >= round_.freeze_at:
        raise ValidationError(
            "The round's board is frozen (freeze_at) until it is thawed: a boss fight would "
            "reveal its results live.",
            field="minutes",
        )
    raise ValidationError(
        f"The fight would run into the round's freeze (freeze_at, "
        f"{round_.freeze_at:%Y-%m-%d %H:%M} UTC): make it end before then.",
        field="minutes",
    )


def running_for(challenge_id: int, user_id: int, at: datetime) -> list[BossFight]:
    """Fights running at `at` in which this user fights over this challenge."""
    fights = db.session.scalars(
        select(BossFight).where(
            BossFight.state == "running", BossFight.starts_at <= at, BossFight.ends_at >= at
        )
    )
    return [b for b in fights if challenge_id in b.challenge_ids and user_id in b.participant_ids]


def check_submission(user: User, challenge: Challenge, kind: str) -> None:
    """A submission check (app/submissions/checks): 1 every 30 s on a running boss."""
    if kind != "submit" or not running_for(challenge.id, user.id, utcnow()):
        return
    if not take_from_window(f"ratelimit:boss:{user.id}", 1, RATE_SECONDS):
        raise TooMany(f"Boss fight: one submission every {RATE_SECONDS} s. Aim well!")


def apply_hits(event: Judged) -> None:
    """In the verdict's transaction: this judgement's new hits on every fight it counts in."""
    submission = event.submission
    if submission.user_id is None or not event.counts:
        return
    fights = running_for(submission.challenge_id, submission.user_id, submission.created_at)
    if not fights:
        return
    bound_lock_holding()
    passed = {
        test_id
        for test_id in db.session.scalars(
            select(TestResult.test_case_id).where(
                TestResult.judgement_id == event.judgement.id, TestResult.verdict == "AC"
            )
        )
        if test_id is not None
    }
    accepted = event.judgement.final_verdict == "AC"
    if event.judgement.override_verdict == "AC":  # an override passes every test
        passed = {t.id for t in submission.challenge.tests}
    points = points_of(submission.challenge)
    for fight in fights:
        boss = db.session.scalar(
            select(BossFight)
            .where(BossFight.id == fight.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if boss is None or boss.state != "running":
            continue
        _hit(boss, submission.user_id, submission.challenge_id, points, passed, accepted,
             event.judgement.id)  # fmt: skip


def _hit(boss: BossFight, user_id: int, challenge_id: int, points: dict[int, float],
         passed: set[int], accepted: bool, judgement_id: int) -> None:  # fmt: skip
    already = set(
        db.session.scalars(
            select(BossHit.target).where(BossHit.boss_id == boss.id, BossHit.user_id == user_id)
        )
    )
    new = boss_rules.hits(challenge_id, points, passed, accepted, already)
    if not new:
        return
    for hit in new:
        db.session.add(BossHit(boss_id=boss.id, user_id=user_id, target=hit.target,
                               challenge_id=challenge_id, damage=hit.damage,
                               judgement_id=judgement_id))  # fmt: skip
    db.session.flush()
    dealt = damage_of(boss.id)
    pending = db.session.info.setdefault(_PENDING, {}).setdefault(judgement_id, [])
    pending.append((boss.id, user_id, new, dealt))
    if dealt >= boss.hp_max:
        pending.extend(finish(boss, dealt, defeated=True))


def announce_hits(event: Judged) -> None:
    """Once committed: each hit on boss:<id>, the Redis counter, and the end if it came."""
    for item in db.session.info.get(_PENDING, {}).pop(event.judgement.id, []):
        if isinstance(item, Outcome):
            send(item)
            continue
        boss_id, user_id, new, dealt = item
        boss = db.session.get(BossFight, boss_id)
        if boss is None:
            continue
        counted = publish_damage(boss_id, dealt)
        name = players.board_name(user_id)
        for hit in new:
            publish(boss_channel(boss_id), boss_events.hit(boss, hit, name, counted))
        if boss.state != "running":
            publish(boss_channel(boss_id), boss_events.state(boss, dealt, utcnow()))


def publish_damage(boss_id: int, dealt: float) -> float:
    """Raise the Redis counter to a damage total read from SQL (never lower it); the damage it
    holds now. Redis down: the total given, and the counter is set again by a later hit."""
    try:
        held = get_redis().eval(_RAISE_TO, 1, f"boss:damage:{boss_id}", repr(float(dealt)),
                                COUNTER_SECONDS)  # fmt: skip
        return float(held)  # type: ignore[arg-type]
    except redis.RedisError:
        log.warning("boss %s: Redis counter not updated", boss_id, exc_info=True)
        return dealt


def rebuild(boss_id: int) -> float:
    """Set the Redis counter from the SQL rows (after a Redis restart or a lost update)."""
    return publish_damage(boss_id, damage_of(boss_id))


def current_damage(boss_id: int) -> float:
    """The damage for a page or a socket: Redis, or SQL when Redis has none or is down."""
    try:
        value = get_redis().get(f"boss:damage:{boss_id}")
        return float(value) if value is not None else rebuild(boss_id)  # type: ignore[arg-type]
    except redis.RedisError:
        return damage_of(boss_id)
