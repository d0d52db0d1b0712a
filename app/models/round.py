"""Rounds (a contest, a timed round or an assignment), their problems and participants."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.challenge import Challenge
from app.models.course import Course
from app.models.user import User

MODES = ("contest", "timed", "assignment")
SCORINGS = ("icpc", "ioi", "assignment")
VISIBILITIES = ("course", "invite", "public")


class Round(Base):
    """One timed event over a set of problems; its mode decides whose window is which.

    - contest: everyone's window is [starts_at, ends_at).
    - timed: a participant's window opens when they press Start, lasts duration_minutes and
      ends no later than ends_at (a lab quiz).
    - assignment: open from starts_at; due_at, then credit windows, until the hard cutoff
      ends_at (the last credit window's end, or due_at without any).
    """

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[str] = mapped_column(String(16))
    scoring: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="SET NULL"), index=True, default=None
    )
    visibility: Mapped[str] = mapped_column(String(16), default="course")
    invite_code: Mapped[str] = mapped_column(String(32), unique=True)
    # The projector's secret link: a board with no login.
    projector_key: Mapped[str] = mapped_column(String(64), unique=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    duration_minutes: Mapped[int | None] = mapped_column(default=None)
    due_at: Mapped[datetime | None] = mapped_column(default=None)
    # Assignment credit after due_at: [{"until": ISO time, "credit": 0.8}, ...], in order.
    credit_windows: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    freeze_at: Mapped[datetime | None] = mapped_column(default=None)
    penalty_minutes: Mapped[int] = mapped_column(default=20)
    ce_penalty: Mapped[bool] = mapped_column(default=False)
    team_size: Mapped[int] = mapped_column(default=1)
    # Language ids allowed in this round; empty = every language its challenges allow.
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    gold_medals: Mapped[int] = mapped_column(default=4)
    silver_medals: Mapped[int] = mapped_column(default=4)
    bronze_medals: Mapped[int] = mapped_column(default=4)
    thawed_at: Mapped[datetime | None] = mapped_column(default=None)
    finalized_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What an imported contest package gave that codedev has no rows for, served as given:
    # {"groups": [{"id", "name"}], "organizations": [{"id", "name", ...}]}.
    clics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    owner: Mapped[User] = relationship()
    course: Mapped[Course | None] = relationship()
    problems: Mapped[list[RoundProblem]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundProblem.position"
    )
    participants: Mapped[list[Participant]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Participant.id"
    )

    def state_at(self, now: datetime) -> str:
        """The CLICS contest state at now: scheduled, started, frozen, ended, thawed, finalized."""
        if self.finalized_at is not None:
            return "finalized"
        if self.thawed_at is not None:
            return "thawed"
        if now < self.starts_at:
            return "scheduled"
        if now >= self.ends_at:
            return "ended"
        if self.freeze_at is not None and now >= self.freeze_at:
            return "frozen"
        return "started"

    def is_frozen_at(self, now: datetime) -> bool:
        """Whether the public board hides results at now (frozen, ended but not thawed)."""
        return self.freeze_at is not None and now >= self.freeze_at and self.thawed_at is None

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at


class RoundProblem(Base):
    """A challenge in a round, with its label (A, B, ...), points and balloon colour."""

    __tablename__ = "round_problems"
    __table_args__ = (
        UniqueConstraint("round_id", "label", name="uq_round_problems_label"),
        UniqueConstraint("round_id", "challenge_id", name="uq_round_problems_challenge"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(8))
    position: Mapped[int] = mapped_column(default=0)
    points: Mapped[float] = mapped_column(default=100.0)
    color: Mapped[str] = mapped_column(String(16), default="#3b82f6")
    # The CLICS id an imported contest package gave it (served instead of the label).
    external_id: Mapped[str | None] = mapped_column(String(64), default=None)
    # First to solve, per audience: {"jury": {"id": submission id, "at": seconds}, "public": ...}.
    firsts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Participants who solved / tried it, per audience: {"jury": [solved, tried], ...}, kept
    # with the cells so that a live update carries the board's footer without reading it all.
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    round: Mapped[Round] = relationship(back_populates="problems")
    challenge: Mapped[Challenge] = relationship()


class Participant(Base):
    """One standing on a round's board: a student alone, or a team of two or three."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # A virtual participant replays an ended contest in a window of its own.
    virtual: Mapped[bool] = mapped_column(default=False)
    # When a timed round's (or a virtual replay's) personal window opened; None until Start.
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    # Extra minutes granted to this participant (a timed window, an assignment's cutoffs).
    extra_minutes: Mapped[int] = mapped_column(default=0)
    # The CLICS id an imported contest package gave it (served instead of the row id).
    external_id: Mapped[str | None] = mapped_column(String(64), default=None)
    # The team's label, group ids and organization id from an imported package, if any.
    clics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship(back_populates="participants")
    members: Mapped[list[ParticipantMember]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", order_by="ParticipantMember.id"
    )

    @property
    def is_replay(self) -> bool:
        """A virtual run of an ended contest, in a window of its own (an imported package's
        hidden team is virtual too, but has no window and was part of the contest)."""
        return self.virtual and self.started_at is not None


class ParticipantMember(Base):
    """A user on a participant; a user stands on a round's board once."""

    __tablename__ = "participant_members"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    participant: Mapped[Participant] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class Clarification(Base):
    """A contestant's question (and staff's answer), or an announcement from staff to all."""

    __tablename__ = "clarifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    # Who asked; None for an announcement.
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True, default=None
    )
    problem_label: Mapped[str | None] = mapped_column(String(8), default=None)
    question: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    # An answer (or announcement) every participant sees, not only the one who asked.
    to_all: Mapped[bool] = mapped_column(default=False)
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    # The CLICS ids an imported package gave its messages: {"q": question's, "a": answer's}.
    clics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    @property
    def is_announcement(self) -> bool:
        return self.participant_id is None


class ScoreRow(Base):
    """A participant's row of a board as one audience (jury or public) sees it: its totals and
    its cells, the score cache one finished judgement updates (one cell, one row), as
    DOMjudge's does. data = {"cells": {label: {...}}}; the totals are columns."""

    __tablename__ = "score_rows"
    __table_args__ = (UniqueConstraint("participant_id", "audience"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    audience: Mapped[str] = mapped_column(String(8))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The row's totals as columns: a board's order is one narrow query, without the cells.
    solved: Mapped[int] = mapped_column(default=0)
    time: Mapped[int] = mapped_column(default=0)
    last_accept: Mapped[int] = mapped_column(default=0)
    score: Mapped[float] = mapped_column(default=0.0)
    last_improvement: Mapped[float] = mapped_column(default=0.0)
