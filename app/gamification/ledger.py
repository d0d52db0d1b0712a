"""The append-only XP ledgers: settle a challenge's payment with the best that counts now.

A challenge's rows for a user always add up to `xp.payable(difficulty, best)`, where best is
over the counting (newest finished) judgement of each of the user's real submissions of it.
Settling writes the difference, so a repeat or a resubmission writes nothing and a revoked
accept writes a negative row. Guard keys are `challenge:<user>:<challenge>:<n>` (the n-th row
of that pair; `lang:...:<language>:<n>` in the language ledger): two transactions settling the
same pair at once collide on the key and one is retried, so nothing is ever paid twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    Float,
    Integer,
    String,
    Subquery,
    bindparam,
    cast,
    func,
    insert,
    literal,
    null,
    select,
    union_all,
)

from app.extensions import db
from app.gamification import xp
from app.models import Judgement, LanguageXpEntry, Submission, XpEntry, utcnow

IE = "IE"
# Plain INSERTs: a racing payment's guard key raises at once and the verdict is retried.
_INSERT_XP = insert(XpEntry)
_INSERT_LANGUAGE_XP = insert(LanguageXpEntry)


@dataclass(frozen=True)
class Attempt:
    """A real submission of the user as it counts now."""

    submission_id: int
    language: str
    verdict: str | None
    best: float


@dataclass(frozen=True)
class Settled:
    """What settling one challenge changed."""

    amount: int  # the row written (0: none)
    paid_before: int
    paid_after: int
    full: int
    languages_solved: list[str]  # languages that just reached a full solve

    @property
    def first_accept(self) -> bool:
        return self.paid_before < self.full <= self.paid_after

    @property
    def revoked(self) -> bool:
        return self.paid_after < self.full <= self.paid_before


def attempts(user_id: int, challenge_id: int) -> list[Attempt]:
    """Each real submission's counting judgement (the newest finished one), oldest first."""
    rows = db.session.execute(
        select(
            Submission.id,
            Submission.language,
            Judgement.status,
            Judgement.verdict,
            Judgement.override_verdict,
            Judgement.score,
        )
        .join(Judgement, Judgement.submission_id == Submission.id)
        .where(
            Submission.user_id == user_id,
            Submission.challenge_id == challenge_id,
            Submission.kind == "submit",
        )
        .order_by(Submission.id, Judgement.id)
    )
    counting: dict[int, Attempt] = {}
    for submission_id, language, status, verdict, override, score in rows:
        if status in ("done", "failed"):
            final = override or verdict
            counting[submission_id] = Attempt(
                submission_id, language, final, xp.best_of(final, score)
            )
    return list(counting.values())


class Tried(NamedTuple):
    """A real submission of a challenge as its leaderboard reads it: who sent it, in practice
    or in which round, when, and the best its counting judgement shows."""

    submission_id: int
    user_id: int
    round_id: int | None
    participant_id: int | None
    created_at: datetime
    best: float


def tries_of(challenge_id: int) -> list[Tried]:
    """Every user's real submissions of a challenge with a counting (the newest finished)
    judgement, oldest first, in one query."""
    rows = db.session.execute(
        select(
            Submission.id, Submission.user_id, Submission.round_id, Submission.participant_id,
            Submission.created_at, Judgement.verdict, Judgement.override_verdict, Judgement.score,
        )
        .join(Judgement, Judgement.submission_id == Submission.id)
        .where(Submission.challenge_id == challenge_id, Submission.kind == "submit",
               Submission.user_id.is_not(None), Judgement.status.in_(("done", "failed")))
        .order_by(Submission.id, Judgement.id)
    )  # fmt: skip
    counting: dict[int, Tried] = {}
    for submission_id, user_id, round_id, participant_id, at, verdict, override, score in rows:
        best = xp.best_of(override or verdict, score)
        counting[submission_id] = Tried(submission_id, user_id, round_id, participant_id, at, best)
    return list(counting.values())


# What (user, challenge) has paid and in how many rows: overall under None, and per language.
Paid = dict[str | None, tuple[int, int]]


def settle_challenge(
    user_id: int, challenge_id: int, difficulty: str, judgement_id: int,
    state: tuple[list[Attempt], Paid] | None = None,
) -> tuple[Settled, list[Attempt]]:  # fmt: skip
    """Bring both ledgers of (user, challenge) in line with the attempts that count now (as
    read by the caller in the same transaction, or read here)."""
    tried, paid_by = state if state is not None else _state(user_id, challenge_id)
    paid_by = dict(paid_by)
    best = max((a.best for a in tried), default=0.0)
    paid, rows = paid_by.pop(None, (0, 0))
    amount = xp.settle(difficulty, paid, best)
    if amount:
        db.session.connection().execute(
            _INSERT_XP, {"guard": f"challenge:{user_id}:{challenge_id}:{rows}", "user_id": user_id,
                         "amount": amount, "source": "challenge", "challenge_id": challenge_id,
                         "judgement_id": judgement_id, "created_at": utcnow()},
        )  # fmt: skip
    solved_in = _settle_languages(user_id, challenge_id, difficulty, judgement_id, tried, paid_by)
    full = xp.full_xp(difficulty)
    return Settled(amount, paid, paid + amount, full, solved_in), tried


def _settle_languages(
    user_id: int, challenge_id: int, difficulty: str, judgement_id: int, tried: list[Attempt],
    paid: dict[str | None, tuple[int, int]],
) -> list[str]:  # fmt: skip
    best: dict[str, float] = defaultdict(float)
    for attempt in tried:
        best[attempt.language] = max(best[attempt.language], attempt.best)
    full = xp.full_xp(difficulty)
    reached, entries = [], []
    now = utcnow()
    for language in sorted(set(best) | {lang for lang in paid if lang is not None}):
        before, rows = paid.get(language, (0, 0))
        amount = xp.settle(difficulty, before, best.get(language, 0.0))
        if not amount:
            continue
        entries.append({
            "guard": f"lang:{user_id}:{challenge_id}:{language}:{rows}", "user_id": user_id,
            "language": language, "amount": amount, "challenge_id": challenge_id,
            "judgement_id": judgement_id, "created_at": now,
        })  # fmt: skip
        if before < full <= before + amount:
            reached.append(language)
    if entries:  # one statement (psycopg pipelines a batch)
        db.session.connection().execute(_INSERT_LANGUAGE_XP, entries)
    return reached


def _state(user_id: int, challenge_id: int) -> tuple[list[Attempt], Paid]:
    """The attempts that count now, and what (user, challenge) has paid, in one round trip."""
    both = state_rows()
    rows = db.session.connection().execute(
        select(both).order_by(both.c.part, both.c.submission_id, both.c.judgement_id),
        {"user_id": user_id, "challenge_id": challenge_id},
    )
    return parse_state(rows)


def parse_state(rows: Iterable[Sequence[Any]]) -> tuple[list[Attempt], Paid]:
    """The attempts and what was paid, from state_rows()'s rows in its order."""
    counting: dict[int, Attempt] = {}
    paid: Paid = {}
    for part, submission_id, _, language, status, verdict, override, score, total, count in rows:
        if part == 0 and status in ("done", "failed"):
            final = override or verdict
            counting[submission_id] = Attempt(
                submission_id, language, final, xp.best_of(final, score)
            )
        elif part == 1:
            paid[None] = (int(total), int(count))
        elif part == 2:
            paid[language] = (int(total), int(count))
    return list(counting.values()), paid


@cache
def state_rows() -> Subquery:
    """Each real submission's judgements of (:user_id, :challenge_id) (part 0), the XP paid
    for it (part 1, always one row) and per language (part 2): the ten columns parse_state
    reads. Built once per process (building and keying a statement costs more than running
    it); verdict_state joins it to its own read, so a verdict reads everything at once."""
    user_id, challenge_id = (
        bindparam("user_id", type_=Integer),
        bindparam("challenge_id", type_=Integer),
    )
    none_int, none_text = cast(null(), Integer), cast(null(), String)
    none_float = cast(null(), Float)
    tried = (
        select(
            literal(0).label("part"), Submission.id.label("submission_id"),
            Judgement.id.label("judgement_id"), Submission.language.label("language"),
            Judgement.status.label("status"), Judgement.verdict.label("verdict"),
            Judgement.override_verdict.label("override"), Judgement.score.label("score"),
            cast(literal(0), Integer).label("total"), cast(literal(0), Integer).label("rows"),
        )
        .join(Judgement, Judgement.submission_id == Submission.id)
        .where(Submission.user_id == user_id, Submission.challenge_id == challenge_id,
               Submission.kind == "submit")
    )  # fmt: skip
    overall = select(
        literal(1), none_int, none_int, none_text, none_text, none_text, none_text, none_float,
        cast(func.coalesce(func.sum(XpEntry.amount), 0), Integer), cast(func.count(XpEntry.id), Integer),
    ).where(XpEntry.user_id == user_id, XpEntry.challenge_id == challenge_id,
            XpEntry.source == "challenge")  # fmt: skip
    per_language = (
        select(
            literal(2), none_int, none_int, LanguageXpEntry.language, none_text, none_text,
            none_text, none_float, cast(func.coalesce(func.sum(LanguageXpEntry.amount), 0), Integer),
            cast(func.count(LanguageXpEntry.id), Integer),
        )
        .where(LanguageXpEntry.user_id == user_id, LanguageXpEntry.challenge_id == challenge_id)
        .group_by(LanguageXpEntry.language)
    )  # fmt: skip
    return union_all(tried, overall, per_language).subquery("ledger_state")


def pay_once(user_id: int, guard: str, amount: int, source: str) -> bool:
    """Pay XP from another source (a contest placement, a boss fight) under its own guard key;
    False when that key was paid already."""
    if db.session.scalar(select(XpEntry.id).where(XpEntry.guard == guard)) is not None:
        return False
    db.session.add(XpEntry(guard=guard, user_id=user_id, amount=amount, source=source))
    return True


def total_of(user_id: int) -> int:
    """A user's total XP from the ledger (the record; Player.xp is its running copy)."""
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(XpEntry.amount), 0)).where(XpEntry.user_id == user_id)
        )
    )


def rejected_before(tried: list[Attempt], submission_id: int) -> int:
    """Rejected real submissions before this one (a judge fault is never the student's)."""
    return sum(
        1 for a in tried if a.submission_id < submission_id and a.verdict not in ("AC", IE, None)
    )


def raised_best(tried: list[Attempt], submission_id: int, previous_best: float | None) -> bool:
    """Whether a submission's new judgement raised the user's best progress at the challenge
    (previous_best: what its judgement that counted before showed; None for its first).
    Scores are compared, not the XP paid: payable rounds down, so a 10-XP challenge going
    from 50 to 55 pays nothing and still improved."""
    before = [a.best for a in tried if a.submission_id != submission_id]
    if previous_best is not None:
        before.append(previous_best)
    return max((a.best for a in tried), default=0.0) > max(before, default=0.0)
