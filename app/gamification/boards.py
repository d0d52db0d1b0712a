"""Leaderboards: per challenge (best score, then time), per course, global, per language.

Policy (Hanus & Fox 2015: absolute public rankings discourage the bottom of a class):
- A course's board is *relative* by default: the viewer and three neighbours above and
  below. The teacher may switch it to the top N or to the full board; staff see it all.
- A player who opted out is on no board anyone else sees; a pseudonym replaces the name.
- Nobody sees a board of a course whose teacher switched gamification off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from app.gamification import ledger
from app.models import (
    Challenge,
    Course,
    Enrollment,
    LanguageXpEntry,
    Player,
    Submission,
    User,
    XpEntry,
)

NEIGHBOURS = 3
MODES = ("relative", "top", "full")
GLOBAL_TOP = 50


@dataclass(frozen=True)
class Entry:
    rank: int
    user_id: int
    name: str
    value: float
    at: datetime | None = None
    me: bool = False


def ranked(
    rows: Sequence[tuple[int, float, datetime | None]],
) -> list[tuple[int, int, float, datetime | None]]:
    """(rank, user, value, time) sorted by value ↓ then time ↑; equal on both share a rank."""
    order = sorted(rows, key=lambda r: (-r[1], r[2] or datetime.max, r[0]))
    out: list[tuple[int, int, float, datetime | None]] = []
    for position, (user_id, value, at) in enumerate(order, start=1):
        tied = bool(out) and (out[-1][2], out[-1][3]) == (value, at)
        rank = out[-1][0] if tied else position
        out.append((rank, user_id, value, at))
    return out


def window(length: int, me: int | None, mode: str, top_n: int) -> range:
    """The slice of a ranked board a viewer sees: the indexes shown."""
    if mode == "full":
        return range(length)
    if mode == "top" or me is None:
        return range(min(max(top_n, 0), length))
    start = max(me - NEIGHBOURS, 0)
    return range(start, min(me + NEIGHBOURS + 1, length))


def _entries(
    rows: Sequence[tuple[int, float, datetime | None]], viewer_id: int | None,
    mode: str = "full", top_n: int = GLOBAL_TOP,
) -> list[Entry]:  # fmt: skip
    shown = _shown_players({user_id for user_id, _, _ in rows}, viewer_id)
    visible = [row for row in rows if row[0] in shown]
    board = ranked(visible)
    me = next((i for i, row in enumerate(board) if row[1] == viewer_id), None)
    return [
        Entry(rank, user_id, shown[user_id], value, at, user_id == viewer_id)
        for rank, user_id, value, at in (board[i] for i in window(len(board), me, mode, top_n))
    ]


def _shown_players(user_ids: set[int], viewer_id: int | None) -> dict[int, str]:
    """Names to show of these users: a pseudonym if set; opted-out ones only to themselves."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(User.id, User.name, User.email, Player.pseudonym, Player.hidden)
        .outerjoin(Player, Player.user_id == User.id)
        .where(User.id.in_(user_ids))
    )
    names = {}
    for user_id, name, email, pseudonym, hidden in rows:
        if hidden and user_id != viewer_id:
            continue
        names[user_id] = pseudonym or name or email.split("@", 1)[0]
    return names


def global_board(viewer_id: int | None) -> list[Entry]:
    """Everyone's total XP: the top 50, and the viewer's own row."""
    rows = db.session.execute(
        select(Player.user_id, Player.xp, Player.updated_at).where(Player.xp > 0)
    )
    board = [(user_id, float(total), None) for user_id, total, _ in rows]
    entries = _entries(board, viewer_id, "top", GLOBAL_TOP)
    if viewer_id is not None and not any(entry.me for entry in entries):
        entries += [e for e in _entries(board, viewer_id, "relative", 0) if e.me]
    return entries


def language_board(language: str, viewer_id: int | None) -> list[Entry]:
    """XP from the per-language ledger, where a challenge counts again per language."""
    rows = db.session.execute(
        select(LanguageXpEntry.user_id, func.sum(LanguageXpEntry.amount))
        .where(LanguageXpEntry.language == language)
        .group_by(LanguageXpEntry.user_id)
    )
    board = [(user_id, float(total), None) for user_id, total in rows if total > 0]
    return _entries(board, viewer_id, "top", GLOBAL_TOP)


def course_board(course: Course, viewer_id: int, *, staff: bool) -> list[Entry]:
    """XP earned on the course's challenges by its students, as the course's mode shows it."""
    students = select(Enrollment.user_id).where(Enrollment.course_id == course.id)
    rows = db.session.execute(
        select(XpEntry.user_id, func.sum(XpEntry.amount))
        .join(Challenge, Challenge.id == XpEntry.challenge_id)
        .where(Challenge.course_id == course.id, XpEntry.user_id.in_(students))
        .group_by(XpEntry.user_id)
    )
    totals = {user_id: float(total) for user_id, total in rows}
    members = db.session.scalars(students.where(Enrollment.role == "student"))
    board = [(user_id, totals.get(user_id, 0.0), None) for user_id in members]
    mode = "full" if staff else course.board_mode
    return _entries(board, viewer_id, mode, course.board_top_n)


def challenge_board(challenge: Challenge, viewer_id: int | None) -> list[Entry]:
    """Best score, then the time it was first reached (earlier is better)."""
    user_ids = db.session.scalars(
        select(Submission.user_id)
        .where(Submission.challenge_id == challenge.id, Submission.kind == "submit")
        .distinct()
    ).all()
    created = {
        submission_id: at
        for submission_id, at in db.session.execute(
            select(Submission.id, Submission.created_at).where(
                Submission.challenge_id == challenge.id
            )
        )
    }
    board = []
    for user_id in user_ids:
        if user_id is None:
            continue
        tried = ledger.attempts(user_id, challenge.id)
        if not tried:
            continue
        best = max(a.best for a in tried)
        at = min(created[a.submission_id] for a in tried if a.best == best)
        board.append((user_id, best, at))
    return _entries(board, viewer_id, "top", GLOBAL_TOP)
