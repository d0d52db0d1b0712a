"""Gamification services: what the header shows, the profile and the player's choices."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import url_for
from flask_login import current_user
from sqlalchemy import case, func, select

from app.errors import ValidationError
from app.extensions import db
from app.gamification import badges, boss_banners, players, streaks, xp
from app.models import BadgeAward, Challenge, Course, Enrollment, Player, utcnow

PSEUDONYM_MAX = 40


@dataclass(frozen=True)
class HeaderState:
    """The header's XP, level and streak of a user."""

    xp: int
    level: int
    into_level: int
    level_span: int
    streak: int
    unit: str


def course_of(challenge: Challenge) -> Course | None:
    return db.session.get(Course, challenge.course_id) if challenge.course_id else None


def visible_to(user_id: int) -> bool:
    """Gamification shows unless every course the user is in switched it off."""
    return user_id not in switched_off({user_id})


def switched_off(user_ids: Collection[int]) -> set[int]:
    """Those of these users every (not archived) course of whom switched gamification off:
    they see no game and stand on no board. A user in no course plays."""
    if not user_ids:
        return set()
    on = func.max(case((Course.gamification.is_(True), 1), else_=0))
    return set(
        db.session.scalars(
            select(Enrollment.user_id)
            .join(Course, Course.id == Enrollment.course_id)
            .where(Enrollment.user_id.in_(user_ids), Course.archived.is_(False))
            .group_by(Enrollment.user_id)
            .having(on == 0)
        )
    )


def header_state(user_id: int) -> HeaderState:
    """The header's numbers, from SQL (a reload shows what the live events showed)."""
    player = db.session.get(Player, user_id)
    total = player.xp if player else 0
    level, into, span = xp.progress(total)
    streak = 0
    weekly = False
    if player is not None:
        weekly = player.streak_weekly
        streak = players.shown_streak(player, players.home_course(user_id), utcnow())
    return HeaderState(total, level, into, span, streak, "week" if weekly else "day")


def header_context() -> dict[str, Any]:
    """Template context for a signed-in user who sees the game: `game`, the header's state;
    `challenge_board_url` for a challenge page's link to its leaderboard; `boss_banners`, the
    running fights they fight in (boss_banners.running, given a course_id or challenge_id)."""
    if not current_user.is_authenticated or not visible_to(current_user.id):
        return {"game": None, "challenge_board_url": lambda challenge: None,
                "boss_banners": lambda **where: []}  # fmt: skip
    return {"game": header_state(current_user.id), "challenge_board_url": challenge_board_url,
            "boss_banners": partial(boss_banners.running, current_user.id)}  # fmt: skip


def challenge_board_url(challenge: Challenge) -> str | None:
    """Where a challenge's leaderboard is, unless its course switched gamification off."""
    course = course_of(challenge)
    if course is not None and not course.gamification:
        return None
    return url_for("gamification.challenge_board", slug=challenge.slug)


@dataclass(frozen=True)
class EarnedBadge:
    badge: badges.Badge
    rarity: float


@dataclass(frozen=True)
class Profile:
    player: Player
    header: HeaderState
    earned: list[EarnedBadge]
    in_reach: list[tuple[badges.Badge, int, int]]
    zone: str
    may_change_zone: bool


def profile(user_id: int) -> Profile:
    """The profile page: badges earned (with rarity) and in reach, the player's choices."""
    player = players.player_of(user_id)
    db.session.flush()
    held = set(db.session.scalars(select(BadgeAward.badge_id).where(BadgeAward.user_id == user_id)))
    players_count = db.session.scalar(select(func.count()).select_from(Player).where(Player.xp > 0))
    holders: dict[str, int] = {
        badge_id: count
        for badge_id, count in db.session.execute(
            select(BadgeAward.badge_id, func.count()).group_by(BadgeAward.badge_id)
        )
    }
    earned = [
        EarnedBadge(badge, badges.rarity(holders.get(badge.id, 0), players_count or 0))
        for badge in badges.all_badges()
        if badge.id in held
    ]
    facts = badges.Facts(
        solved=player.solved or 0,
        languages=len(player.languages or []),
        streak=player.streak_current or 0,
        level=player.level or 1,
        bosses_defeated=player.bosses_defeated or 0,
        medals=player.medals or 0,
    )
    course = players.home_course(user_id)
    return Profile(
        player, header_state(user_id), earned, badges.in_reach(facts, held),
        players.zone_name(player, course),
        streaks.may_change_zone(player.time_zone_changed_at, utcnow()),
    )  # fmt: skip


def set_time_zone(user_id: int, zone: str) -> None:
    """Change the user's zone (at most once a week; the old one counts for a week more)."""
    zone = zone.strip()
    if not streaks.is_zone(zone):
        raise ValidationError("Unknown time zone.", field="time_zone")
    player = players.held_player(user_id)
    current = players.zone_name(player, players.home_course(user_id))
    if zone == current:
        db.session.rollback()  # nothing to write: the row's lock goes at once
        return
    now = utcnow()
    if not streaks.may_change_zone(player.time_zone_changed_at, now):
        raise ValidationError("The time zone can change once a week.", field="time_zone")
    player.previous_time_zone, player.time_zone = current, zone
    player.time_zone_changed_at = now
    db.session.commit()


def set_board_choice(user_id: int, pseudonym: str, hidden: bool) -> None:
    """How the user appears on leaderboards: a pseudonym, or not at all."""
    pseudonym = pseudonym.strip()
    if len(pseudonym) > PSEUDONYM_MAX:
        raise ValidationError(f"At most {PSEUDONYM_MAX} characters.", field="pseudonym")
    player = players.held_player(user_id)
    player.pseudonym, player.hidden = pseudonym, hidden
    db.session.commit()
