"""Challenges, their tests (content-addressed blobs), groups and reference solutions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.user import User

CHECKERS = ("exact", "tokens", "custom")
# Easiest first; XP by difficulty follows this order (app/gamification/xp.py).
DIFFICULTIES = ("beginner", "easy", "medium", "hard", "expert")


def secret_aggregation(package_meta: dict[str, Any] | None) -> str:
    """How a problem's score follows from data/secret's groups or tests (2025-09
    score_aggregation of data/secret): sum (the default), min or pass-fail."""
    secret = ((package_meta or {}).get("test_groups") or {}).get("data/secret") or {}
    return str(secret.get("score_aggregation", "sum"))


class Blob(Base):
    """Test data stored once by its sha256 so every worker host can fetch and cache it."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Challenge(Base):
    """A problem: statement, limits, checker and tests."""

    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    title: Mapped[str] = mapped_column(String(200))
    statement_md: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="SET NULL"), default=None, index=True
    )
    difficulty: Mapped[str] = mapped_column(String(16), default="medium")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    time_limit_ms: Mapped[int] = mapped_column(default=2000)
    memory_limit_mb: Mapped[int] = mapped_column(default=256)
    output_limit_kb: Mapped[int] = mapped_column(default=8192)
    # None means every language the judge supports.
    languages: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    starter_code: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    checker: Mapped[str] = mapped_column(String(16), default="tokens")
    # Kattis default-validator flags: case_sensitive, space_change_sensitive, float_* ...
    checker_options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    checker_language: Mapped[str | None] = mapped_column(String(16), default=None)
    checker_source: Mapped[str | None] = mapped_column(Text, default=None)
    # ICPC style: stop at the first failing test. Otherwise run all for a partial score.
    stop_on_first_failure: Mapped[bool] = mapped_column(default=True)
    published: Mapped[bool] = mapped_column(default=False)
    # When it was first published: its release (the early-bird badge counts from it); hiding
    # and publishing again keeps it. None for a draft never published.
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    # Problem-package metadata with no column of its own (uuid, credits, source, license,
    # time multipliers, whether verify still has to set the time limit).
    package_meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner: Mapped[User | None] = relationship()
    tests: Mapped[list[TestCase]] = relationship(
        back_populates="challenge",
        cascade="all, delete-orphan",
        order_by="TestCase.position",
    )
    groups: Mapped[list[TestGroup]] = relationship(
        back_populates="challenge",
        cascade="all, delete-orphan",
        order_by="TestGroup.position",
    )

    files: Mapped[list[ChallengeFile]] = relationship(
        back_populates="challenge",
        cascade="all, delete-orphan",
        order_by="ChallengeFile.path",
    )

    def allows_language(self, language: str) -> bool:
        return self.languages is None or language in self.languages

    def is_interactive(self) -> bool:
        """Whether the output validator runs beside the submission as its interactor."""
        return "interactive" in ((self.package_meta or {}).get("type") or ())

    def validation_passes(self) -> int:
        """Passes of a multi-pass problem (the package's validation_passes, 2 by default); 1
        for every other problem."""
        meta = self.package_meta or {}
        if "multi-pass" not in (meta.get("type") or ()):
            return 1
        return int((meta.get("limits") or {}).get("validation_passes", 2))

    def run_args(self, test: TestCase) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
        """A test's command-line args for the program and for the output validator (None: the
        checker's own), from the package's test case and test_group.yaml settings."""
        found = ((self.package_meta or {}).get("run_args") or {}).get(test.stem, {})
        flags = found.get("output_validator_args")
        return tuple(found.get("args") or ()), None if flags is None else tuple(flags)

    def test_files(self, test: TestCase) -> dict[str, str]:
        """A test's input files (its package .files folder) as {name: sha256}."""
        folder = f"{test.stem}.files/"
        return {
            kept.path[len(folder) :]: kept.sha256
            for kept in self.files
            if kept.path.startswith(folder)
        }

    def is_scoring(self) -> bool:
        """Whether the package is a 2025-09 scoring problem (its samples do not count)."""
        return "scoring" in ((self.package_meta or {}).get("type") or ())

    def secret_aggregation(self) -> str:
        """How the score follows from the groups or tests: sum, min or pass-fail (2025-09)."""
        return secret_aggregation(self.package_meta)

    def interaction_of(self, test: TestCase) -> str | None:
        """The sha256 of a test's sample interaction (its package .interaction file), or None."""
        path = f"{test.stem}.interaction"
        return next((kept.sha256 for kept in self.files if kept.path == path), None)

    def attachments(self) -> list[ChallengeFile]:
        """The files students may download (the package's attachments/), by path."""
        return [kept for kept in self.files if kept.is_public]

    def aggregation_of(self, group_name: str) -> str:
        """How a group's tests earn its points: pass-fail (default), min or sum (2025-09)."""
        return str(
            (self.package_meta or {}).get("group_aggregation", {}).get(group_name, "pass-fail")
        )

    def requires_of(self, group_name: str) -> tuple[str, ...]:
        """The groups (or `sample`) this group needs passed to score (2025-09 require_pass)."""
        return tuple((self.package_meta or {}).get("group_require_pass", {}).get(group_name, ()))


class TestGroup(Base):
    """A subtask: its tests together earn its points (all must pass, or the minimum score)."""

    __tablename__ = "test_groups"
    __table_args__ = (UniqueConstraint("challenge_id", "name"),)
    __test__ = False  # not a pytest class

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    points: Mapped[float] = mapped_column(default=0.0)

    challenge: Mapped[Challenge] = relationship(back_populates="groups")


class TestCase(Base):
    """One test: input and expected answer as blob hashes, shown to students if a sample."""

    __tablename__ = "test_cases"
    __test__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("test_groups.id", ondelete="SET NULL"), default=None
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(120))
    is_sample: Mapped[bool] = mapped_column(default=False)
    input_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    answer_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))

    challenge: Mapped[Challenge] = relationship(back_populates="tests")
    group: Mapped[TestGroup | None] = relationship()

    @property
    def stem(self) -> str:
        """The test's path in a problem package, without .in/.ans."""
        if self.is_sample:
            return f"data/sample/{self.name}"
        if self.group is not None:
            return f"data/secret/{self.group.name}/{self.name}"
        return f"data/secret/{self.name}"


class ReferenceSolution(Base):
    """An author's solution with the verdict it is expected to get."""

    __tablename__ = "reference_solutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(Text)
    expected_verdict: Mapped[str] = mapped_column(String(8), default="AC")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChallengeFile(Base):
    """A file kept from a problem package (statement source, images, attachments) by path."""

    __tablename__ = "challenge_files"
    __table_args__ = (UniqueConstraint("challenge_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    # Path inside the package, e.g. "statement/problem.en.tex" or "attachments/tool.py".
    path: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))

    challenge: Mapped[Challenge] = relationship(back_populates="files")

    @property
    def is_public(self) -> bool:
        """Attachments may be shown to students; everything else is staff-only."""
        return self.path.startswith("attachments/")
