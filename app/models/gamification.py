"""Gamification records: the append-only XP ledgers, players, badges; boss fights and hits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class XpEntry(Base):
    """One XP payment or reversal; rows are only ever added. The guard key (unique) names
    what was paid for, so a repeated or concurrent verdict can't pay twice."""

    __tablename__ = "xp_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    guard: Mapped[str] = mapped_column(String(160), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    amount: Mapped[int]
    # "challenge" (a new best or a reversal of one), "contest", "boss".
    source: Mapped[str] = mapped_column(String(16))
    challenge_id: Mapped[int | None] = mapped_column(
        ForeignKey("challenges.id", ondelete="SET NULL"), default=None, index=True
    )
    judgement_id: Mapped[int | None] = mapped_column(
        ForeignKey("judgements.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class LanguageXpEntry(Base):
    """The per-language ledger: the same rules per (user, challenge, language), for the
    language leaderboards (a challenge solved in another language counts again here)."""

    __tablename__ = "language_xp_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    guard: Mapped[str] = mapped_column(String(160), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(16), index=True)
    amount: Mapped[int]
    challenge_id: Mapped[int | None] = mapped_column(
        ForeignKey("challenges.id", ondelete="SET NULL"), default=None
    )
    judgement_id: Mapped[int | None] = mapped_column(
        ForeignKey("judgements.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Player(Base):
    """A user's game state (totals kept beside the ledger for the header), streak and choices."""

    __tablename__ = "players"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    xp: Mapped[int] = mapped_column(default=0)
    level: Mapped[int] = mapped_column(default=1)
    solved: Mapped[int] = mapped_column(default=0)
    streak_current: Mapped[int] = mapped_column(default=0)
    streak_best: Mapped[int] = mapped_column(default=0)
    # The last counted period (a day's ordinal, or a week's) and whether periods are weeks.
    streak_last: Mapped[int | None] = mapped_column(default=None)
    streak_weekly: Mapped[bool] = mapped_column(default=False)
    streak_freezes: Mapped[int] = mapped_column(default=0)
    # IANA zone; empty: the course's. The previous one counts for a week after a change.
    time_zone: Mapped[str] = mapped_column(String(64), default="")
    previous_time_zone: Mapped[str] = mapped_column(String(64), default="")
    time_zone_changed_at: Mapped[datetime | None] = mapped_column(default=None)
    # Shown on leaderboards instead of the name when set; hidden: on no board at all.
    pseudonym: Mapped[str] = mapped_column(String(40), default="")
    hidden: Mapped[bool] = mapped_column(default=False)
    bosses_defeated: Mapped[int] = mapped_column(default=0)
    medals: Mapped[int] = mapped_column(default=0)
    # Languages in which the user fully solved at least one challenge (for the badges).
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Ids of the badges held: a running copy of BadgeAward (the record), read in every verdict.
    badges: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class BadgeAward(Base):
    """A badge a user earned (once: unique per user and badge)."""

    __tablename__ = "badge_awards"
    __table_args__ = (UniqueConstraint("user_id", "badge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    badge_id: Mapped[str] = mapped_column(String(40), index=True)
    judgement_id: Mapped[int | None] = mapped_column(
        ForeignKey("judgements.id", ondelete="SET NULL"), default=None
    )
    earned_at: Mapped[datetime] = mapped_column(default=utcnow)


class BossFight(Base):
    """A class against 1–3 challenges in a time window; HP as fixed at the start."""

    __tablename__ = "boss_fights"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), default=None, index=True
    )
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), default=None, index=True
    )
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(120), default="The Boss")
    challenge_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    participant_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    hp_max: Mapped[float] = mapped_column(default=0.0)
    hints: Mapped[list[str]] = mapped_column(JSON, default=list)
    starts_at: Mapped[datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[datetime] = mapped_column(default=utcnow)
    # "running", then "defeated" or "escaped"; settled_at once the XP is paid.
    state: Mapped[str] = mapped_column(String(16), default="running")
    settled_at: Mapped[datetime | None] = mapped_column(default=None)
    # The projector's secret link.
    secret: Mapped[str] = mapped_column(String(64), unique=True)
    xp_reward: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class BossHit(Base):
    """Damage a student dealt: one row per (boss, user, target), so a hit never counts twice.
    A target is `test:<test_case_id>` or `crit:<challenge_id>` (the accept's critical)."""

    __tablename__ = "boss_hits"
    __table_args__ = (UniqueConstraint("boss_id", "user_id", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    boss_id: Mapped[int] = mapped_column(
        ForeignKey("boss_fights.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(40))
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    damage: Mapped[float]
    judgement_id: Mapped[int | None] = mapped_column(
        ForeignKey("judgements.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
