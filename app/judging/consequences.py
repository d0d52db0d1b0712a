"""Consequences of a verdict: areas register handlers on the app; judging emits one Judged event.

Every finished judgement (a first verdict, a rejudge's, the judge giving up with IE) and every
staff override is one `Judged` event, handed to the handlers each area registered from its
`init_app` (scoring, gamification, notifications, the submission's own live events). Judging
imports none of them.

Two phases:
- IN_TRANSACTION handlers must agree with the verdict (scoreboard rows, XP): they run inside
  the recording transaction; one that raises rolls the verdict back, and the worker retries
  the attempt as it retries any failed attempt (JUDGE_MAX_ATTEMPTS, then IE).
- AFTER_COMMIT handlers (live events, mail) run once it is committed, each on its own: one that
  raises is logged and the others still run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from flask import Flask, current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Judgement, Submission

log = logging.getLogger(__name__)

Phase = Literal["in_transaction", "after_commit"]
IN_TRANSACTION: Phase = "in_transaction"
AFTER_COMMIT: Phase = "after_commit"
# What led to the event: the first judgement of a submission, a later one, or a staff override.
Cause = Literal["judge", "rejudge", "override"]

_KEY = "codedev.consequences"


@dataclass(frozen=True)
class Counted:
    """What a judgement said while it counted; a copy, so an override's old verdict survives."""

    judgement_id: int
    status: str
    verdict: str | None  # the verdict shown (an override's, if any)
    score: float

    @classmethod
    def of(cls, judgement: Judgement) -> Counted:
        return cls(judgement.id, judgement.status, judgement.final_verdict, judgement.score)


@dataclass(frozen=True)
class Judged:
    """One new verdict of a submission, as every consequence handler receives it."""

    submission: Submission
    judgement: Judgement  # the new judgement (for an override: the overridden one, changed)
    previous: Counted | None  # the judgement that counted before, as it was; None at first
    kind: str  # the submission's kind: "submit" (real) or "samples" (a run that never counts)
    cause: Cause
    # False when a newer judgement of the submission had already finished (rejudges that end
    # out of order): then `previous` still counts, and scoring must not take this one.
    counts: bool = True

    @property
    def is_real(self) -> bool:
        """A real submission, not a sample run."""
        return self.kind == "submit"


Handler = Callable[[Judged], None]


@dataclass(frozen=True)
class Registration:
    """One handler of one phase; real_only ones never see sample runs."""

    name: str
    handler: Handler
    real_only: bool


class Consequences:
    """The handlers of one app, by phase, in registration order; one per name."""

    def __init__(self) -> None:
        self._phases: dict[Phase, dict[str, Registration]] = {IN_TRANSACTION: {}, AFTER_COMMIT: {}}

    def register(
        self, phase: Phase, handler: Handler, *, real_only: bool = False, name: str | None = None
    ) -> None:
        """Add a handler (named by its module and qualified name unless given a name);
        registering the same name again (an init_app run twice) replaces it."""
        name = name or f"{handler.__module__}.{handler.__qualname__}"
        self._phases[phase][name] = Registration(name, handler, real_only)

    def registrations(self, phase: Phase) -> list[Registration]:
        return list(self._phases[phase].values())

    def run_in_transaction(self, event: Judged) -> None:
        """Run the in-transaction handlers; the first to raise stops them and the recording."""
        for registration in self._for(IN_TRANSACTION, event):
            registration.handler(event)

    def run_after_commit(self, event: Judged) -> None:
        """Run every after-commit handler; a failing one is logged, never stops the others."""
        for registration in self._for(AFTER_COMMIT, event):
            try:
                registration.handler(event)
            except Exception:  # one broken consequence must not hide the others
                log.exception(
                    "after-commit handler %s failed for judgement %s",
                    registration.name,
                    event.judgement.id,
                )

    def _for(self, phase: Phase, event: Judged) -> list[Registration]:
        return [r for r in self._phases[phase].values() if event.is_real or not r.real_only]


def consequences_of(app: Flask | None = None) -> Consequences:
    """The app's registry, made on first use (one per app: tests build many apps)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    return app.extensions.setdefault(_KEY, Consequences())


def register(
    app: Flask, phase: Phase, handler: Handler, *, real_only: bool = False, name: str | None = None
) -> None:
    """Register a consequence handler on app (call from an area's init_app)."""
    consequences_of(app).register(phase, handler, real_only=real_only, name=name)


def commit_judged(event: Judged) -> None:
    """Run the in-transaction handlers, commit the verdict with them, then the after-commit
    ones. A failing in-transaction handler rolls everything back and raises."""
    registry = consequences_of()
    try:
        registry.run_in_transaction(event)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    registry.run_after_commit(event)


def verdict_event(judgement: Judgement) -> Judged:
    """The Judged event of a judgement the judge just finished (call inside the transaction)."""
    submission = judgement.submission
    others = list(
        db.session.scalars(
            select(Judgement)
            .where(Judgement.submission_id == submission.id, Judgement.id != judgement.id)
            .order_by(Judgement.id)
        )
    )
    finished = [other for other in others if other.is_finished]
    previous = finished[-1] if finished else None
    return Judged(
        submission=submission,
        judgement=judgement,
        previous=Counted.of(previous) if previous is not None else None,
        kind=submission.kind,
        cause="rejudge" if others and others[0].id < judgement.id else "judge",
        counts=previous is None or previous.id < judgement.id,
    )


def override_event(judgement: Judgement, before: Counted) -> Judged:
    """The Judged event of a staff override of the judgement that counts (before: as it was)."""
    return Judged(
        submission=judgement.submission,
        judgement=judgement,
        previous=before,
        kind=judgement.submission.kind,
        cause="override",
    )
