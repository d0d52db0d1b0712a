"""Leaderboards: per challenge (best score, then time), per course, global, per language.

Policy (Hanus & Fox 2015: absolute public rankings discourage the bottom of a class):
- A course's board is *relative* by default: the viewer and three neighbours above and
  below. The teacher may switch it to the top N or to the full board; staff see it all. The
  board of a course's challenge follows the same choice.
- The global and language boards and a practice challenge's show the top 50 (the global one
  and a challenge's the viewer's own row too).
- A player is named by their pseudonym, else their first name (a course's staff see full
  names); one who opted out is on no board anyone else sees.
- Nobody sees a board of a course whose teacher switched gamification off; on the boards of
  no course, a user every course of whom switched it off is not shown.
- A contest freeze is a boundary: a challenge's board counts a round's submission only when
  that round's board shows its result to the viewer (app/scoring/freeze.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.contests.access import is_staff_of, participant_of
from app.courses.access import can_manage
from app.extensions import db
from app.gamification import frozen, ledger, players, service
from app.models import (
    Challenge,
    Course,
    Enrollment,
    LanguageXpEntry,
    Player,
    Round,
    User,
    XpEntry,
)
from app.scoring import freeze

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
    mode: str = "full", top_n: int = GLOBAL_TOP, *, own_row: bool = False,
    full_names: bool = False, of_course: bool = False,
) -> list[Entry]:  # fmt: skip
    """The board's rows this viewer sees (window(); own_row: and theirs, below the rest)."""
    shown = _shown_players({user_id for user_id, _, _ in rows}, viewer_id, full_names, of_course)
    visible = [row for row in rows if row[0] in shown]
    board = ranked(visible)
    me = next((i for i, row in enumerate(board) if row[1] == viewer_id), None)
    indexes = list(window(len(board), me, mode, top_n))
    if own_row and me is not None and me not in indexes:
        indexes.append(me)
    return [
        Entry(rank, user_id, shown[user_id], value, at, user_id == viewer_id)
        for rank, user_id, value, at in (board[i] for i in indexes)
    ]


def _shown_players(
    user_ids: set[int], viewer_id: int | None, full_names: bool, of_course: bool
) -> dict[int, str]:
    """Names to show of these users (players.shown_name; full ones to a course's staff);
    opted-out ones only to themselves; on a board of no course, none of those who play in no
    course (service.switched_off)."""
    if not user_ids:
        return {}
    quiet = set() if of_course else service.switched_off(user_ids)
    rows = db.session.execute(
        select(User.id, User.name, User.email, Player.pseudonym, Player.hidden)
        .outerjoin(Player, Player.user_id == User.id)
        .where(User.id.in_(user_ids))
    )
    names = {}
    for user_id, name, email, pseudonym, hidden in rows:
        if user_id in quiet or (hidden and user_id != viewer_id):
            continue
        names[user_id] = (
            pseudonym or name or email.split("@", 1)[0]
            if full_names
            else players.shown_name(name, pseudonym)
        )
    return names


def global_board(viewer_id: int | None) -> list[Entry]:
    """Everyone's total XP: the top 50, and the viewer's own row."""
    rows = db.session.execute(
        select(Player.user_id, Player.xp, Player.updated_at).where(Player.xp > 0)
    )
    board = [(user_id, float(total), None) for user_id, total, _ in rows]
    return _entries(board, viewer_id, "top", GLOBAL_TOP, own_row=True)


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
    return _entries(board, viewer_id, mode, course.board_top_n, full_names=staff, of_course=True)


def challenge_board(challenge: Challenge, viewer: User | None) -> list[Entry]:
    """Best score, then the time it was first reached (earlier is better), of what this viewer
    may see; a course's challenge as that course's board shows it."""
    course = db.session.get(Course, challenge.course_id) if challenge.course_id else None
    if course is not None and not course.gamification:
        return []
    tried = ledger.tries_of(challenge.id)
    hidden = _frozen_for(viewer, tried)
    best: dict[int, tuple[float, datetime]] = {}
    for attempt in tried:
        held = best.get(attempt.user_id)  # tries come oldest first: the first to reach counts
        if attempt.submission_id not in hidden and (held is None or attempt.best > held[0]):
            best[attempt.user_id] = (attempt.best, attempt.created_at)
    board = [(user_id, value, at) for user_id, (value, at) in best.items()]
    viewer_id = viewer.id if viewer is not None else None
    if course is None:
        return _entries(board, viewer_id, "top", GLOBAL_TOP, own_row=True)
    staff = viewer is not None and can_manage(viewer, course)
    mode = "full" if staff else course.board_mode
    return _entries(board, viewer_id, mode, course.board_top_n, full_names=staff, of_course=True)


def _frozen_for(viewer: User | None, tried: list[ledger.Tried]) -> set[int]:
    """The submissions whose results this viewer may not see yet: made in a round after its
    freeze (on the participant's own clock), unless it was thawed, the viewer is its staff or
    the submission is their own participant's (freeze.hidden, as the round's board)."""
    by_round: dict[int, list[ledger.Tried]] = defaultdict(list)
    for attempt in tried:
        if attempt.round_id is not None:
            by_round[attempt.round_id].append(attempt)
    hidden: set[int] = set()
    for round_id, sent in by_round.items():
        round_ = db.session.get(Round, round_id)
        if round_ is None or is_staff_of(viewer, round_):
            continue
        own = participant_of(viewer, round_)
        who = freeze.Viewer("participant", own.id) if own is not None else freeze.PUBLIC
        rows = [(a.submission_id, a.participant_id, a.created_at) for a in sent]
        hidden |= frozen.hidden_results(round_, rows, who)
    return hidden
