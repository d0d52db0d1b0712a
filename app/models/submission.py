"""What was sent (Submission) kept apart from what the judge said (Judgement, TestResult)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.challenge import Challenge
from app.models.user import User

VERDICTS = ("AC", "WA", "TLE", "MLE", "RE", "CE", "OLE", "IE")
STATUSES = ("queued", "judging", "done", "failed")


class Submission(Base):
    """Immutable source a user sent for a challenge."""

    __tablename__ = "submissions"
    # Scoring reads one participant's tries on one problem (a verdict's cell), and everyone's on
    # one problem (first to solve): each has its own index, whatever the planner knows.
    __table_args__ = (
        Index("ix_submissions_round_id_challenge_id", "round_id", "challenge_id"),
        Index("ix_submissions_participant_id_challenge_id", "participant_id", "challenge_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(16))
    # The main file's text: the whole program when it is one file.
    source: Mapped[str] = mapped_column(Text)
    # The main file's name as sent ("" when one file came without a name).
    source_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # A program of several files: the others, [{"name", "text"}] in the order sent; None
    # for one file (every submission before multi-file ones).
    files: Mapped[list[dict[str, str]] | None] = mapped_column(JSON, default=None)
    # "submit" counts; "samples" runs the sample tests only and never counts.
    kind: Mapped[str] = mapped_column(String(16), default="submit")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Sent in a round (a contest, timed round or assignment) by this participant; None in
    # practice. Its board counts it; nothing else about judging changes.
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("rounds.id", ondelete="SET NULL"), default=None
    )
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), default=None
    )
    # The CLICS id an imported contest package gave it (served instead of the row id).
    external_id: Mapped[str | None] = mapped_column(String(64), default=None)
    # When it was committed, if well after created_at (a jury's submission at a past time, a
    # slow transaction): the event feed keys it no earlier (app/clics/visible.py).
    visible_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User | None] = relationship()
    challenge: Mapped[Challenge] = relationship()
    judgements: Mapped[list[Judgement]] = relationship(
        back_populates="submission",
        cascade="all, delete-orphan",
        order_by="Judgement.id",
    )

    @property
    def other_files(self) -> dict[str, str]:
        """The files beside the main one, by name (empty for a one-file submission)."""
        return {item["name"]: item["text"] for item in self.files or []}


class Judgement(Base):
    """One judging of a submission; a rejudge is a new row, the newest finished one counts."""

    __tablename__ = "judgements"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    verdict: Mapped[str | None] = mapped_column(String(8), default=None)
    score: Mapped[float] = mapped_column(default=0.0)
    time_ms: Mapped[int | None] = mapped_column(default=None)
    memory_kb: Mapped[int | None] = mapped_column(default=None)
    compile_output: Mapped[str] = mapped_column(Text, default="")
    # Why the judge failed (staff only): the last error of the last try.
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    worker: Mapped[str] = mapped_column(String(120), default="")
    # A teacher's manual override, kept beside what the judge said.
    override_verdict: Mapped[str | None] = mapped_column(String(8), default=None)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    # The CLICS id an imported contest package gave it (served instead of the row id).
    external_id: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The row is the outbox: None until its job is on the judge queue (requeue_stale sends
    # it if Redis was down), then when it last went there.
    enqueued_at: Mapped[datetime | None] = mapped_column(default=None)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    # Times a worker killed a horse that made no progress on it, or requeue_stale found it
    # waiting in the queue far too long; the last time and why (staff only).
    stalls: Mapped[int] = mapped_column(default=0)
    stalled_at: Mapped[datetime | None] = mapped_column(default=None)
    stall_reason: Mapped[str] = mapped_column(Text, default="")

    submission: Mapped[Submission] = relationship(back_populates="judgements")
    test_results: Mapped[list[TestResult]] = relationship(
        back_populates="judgement",
        cascade="all, delete-orphan",
        order_by="TestResult.position",
    )

    @property
    def is_finished(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def final_verdict(self) -> str | None:
        return self.override_verdict or self.verdict


class TestResult(Base):
    """The judge's result on one test of one judgement."""

    __tablename__ = "test_results"
    __test__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    judgement_id: Mapped[int] = mapped_column(
        ForeignKey("judgements.id", ondelete="CASCADE"), index=True
    )
    test_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("test_cases.id", ondelete="SET NULL"), default=None
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    group: Mapped[str] = mapped_column(String(80), default="")
    verdict: Mapped[str] = mapped_column(String(8))
    time_ms: Mapped[int] = mapped_column(default=0)
    memory_kb: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    # Points from the output validator's score files (2025-09); None: the verdict decides.
    score: Mapped[float | None] = mapped_column(default=None)

    judgement: Mapped[Judgement] = relationship(back_populates="test_results")


class ExecutionLog(Base):
    """Detailed execution log of a judgement (compile output, stderr, timings) when no MongoDB."""

    __tablename__ = "execution_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    judgement_id: Mapped[int] = mapped_column(
        ForeignKey("judgements.id", ondelete="CASCADE"), unique=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
