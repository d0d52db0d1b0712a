"""What a verdict's rules read about its user and challenge, and the player's row written back.

This runs inside every verdict's transaction, so it costs one statement each way and loads no
ORM entity: the read joins the challenge, the course that sets the user's rules (the
challenge's, else the user's home course), the Player row, the round problem's first solve,
the round's and the participant's start (the challenge's release in a round), and the
challenge's attempts and XP paid (one row each, ledger.state_rows);
the write is one UPDATE of the Player row (one INSERT for a new player). The UPDATE is guarded
by the row's `updated_at` as read: two verdicts of one user racing on it can't lose one's
totals; the later one raises Contended and the recording's retry_transaction runs the whole
verdict again on the new row (no re-judgement). Two first verdicts of a new user racing on the
INSERT collide on its key, which handlers.apply_verdict turns into Contended too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Insert,
    Integer,
    Select,
    Update,
    bindparam,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.orm import aliased

from app.errors import Contended
from app.extensions import db
from app.gamification import ledger
from app.models import (
    Challenge,
    Course,
    Enrollment,
    Participant,
    Player,
    Round,
    RoundProblem,
    utcnow,
)


@dataclass
class PlayerState:
    """A Player row as plain data (the same attribute names, so the streak and badge helpers
    take either)."""

    user_id: int
    xp: int = 0
    level: int = 1
    solved: int = 0
    streak_current: int = 0
    streak_best: int = 0
    streak_last: int | None = None
    streak_weekly: bool = False
    streak_freezes: int = 0
    time_zone: str = ""
    previous_time_zone: str = ""
    time_zone_changed_at: datetime | None = None
    bosses_defeated: int = 0
    medals: int = 0
    languages: list[str] = field(default_factory=list)
    badges: list[str] = field(default_factory=list)


# The Player columns a verdict reads and may write (user_id is the key).
STATE_COLUMNS = tuple(f.name for f in fields(PlayerState) if f.name != "user_id")


@dataclass(frozen=True)
class CourseRules:
    """A course's gamification settings, as the streak rules read them."""

    gamification: bool
    time_zone: str
    weekly_streaks: bool
    rest_days: list[str]


@dataclass
class VerdictState:
    """Everything the XP, level, streak and badge rules need about a verdict's user and
    challenge."""

    title: str
    difficulty: str
    released: datetime | None  # release_of; None: never released (a draft outside a round)
    in_course: bool  # the challenge belongs to a course (whose switch then decides)
    course: CourseRules | None  # the challenge's course, else the user's home course
    first_public_id: int | None  # the round problem's public first solve, if any
    player: PlayerState
    stored: PlayerState | None  # the row as read (None: no row yet)
    version: datetime | None  # its updated_at as read
    ledger: tuple[list[ledger.Attempt], ledger.Paid]  # the challenge's attempts and payments

    @property
    def gamified(self) -> bool:
        """A course's teacher may switch gamification off; challenges outside courses are on."""
        return not self.in_course or self.course is None or self.course.gamification


def read(
    user_id: int, challenge_id: int, round_id: int | None, participant_id: int | None = None
) -> VerdictState | None:
    """The verdict's state in one round trip; None for an unknown challenge."""
    keys = {"user_id": user_id, "challenge_id": challenge_id, "round_id": round_id}
    rows = (
        db.session.connection()
        .execute(_read_statement(), {**keys, "participant_id": participant_id})
        .all()
    )
    if not rows:
        return None
    row = rows[0]  # the state is on every row; the ledger's columns end each one
    width = len(ledger.state_rows().c)
    stored = None
    if row.updated_at is not None:
        stored = PlayerState(user_id, **{name: getattr(row, name) for name in STATE_COLUMNS})
        stored.languages, stored.badges = list(stored.languages or []), list(stored.badges or [])
    rules = None
    if row.rules_id is not None:
        rules = CourseRules(bool(row.gamification), row.course_zone or "",
                            bool(row.weekly_streaks), list(row.rest_days or []))  # fmt: skip
    public = (row.firsts or {}).get("public") or {}
    released = release_of(row.published_at, row.round_mode, row.round_starts_at, row.own_start)
    return VerdictState(
        row.title, row.difficulty, released, row.course_id is not None, rules,
        public.get("id"), _copy(stored) if stored else PlayerState(user_id), stored,
        row.updated_at, ledger.parse_state(r[-width:] for r in rows),
    )  # fmt: skip


def release_of(
    published_at: datetime | None,
    round_mode: str | None,
    round_starts_at: datetime | None,
    own_start: datetime | None,
) -> datetime | None:
    """When the challenge was released to this submission: its first publishing, or in a
    round the round's start (a timed round's: the participant's own Start, when its problems
    open for them) when that is later, as a round's problems stay secret until it starts.
    A virtual replay counts from the round's start: its problems were out long before.
    None when neither is known (a draft outside a round: no student could have seen it)."""
    opened = own_start if round_mode == "timed" and own_start is not None else round_starts_at
    return max((t for t in (published_at, opened) if t is not None), default=None)


@cache
def _read_statement() -> Select[Any]:
    """Built once per process (building and keying a statement costs more than running it)."""
    user_id = bindparam("user_id", type_=Integer)
    round_id = bindparam("round_id", type_=Integer)
    home = (
        select(Enrollment.course_id)
        .join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.user_id == user_id, Course.archived.is_(False))
        .order_by(Enrollment.joined_at, Enrollment.id)
        .limit(1)
        .scalar_subquery()
    )
    course = aliased(Course)
    paid = ledger.state_rows()
    return (
        select(
            Challenge.title, Challenge.difficulty, Challenge.published_at, Challenge.course_id,
            Round.mode.label("round_mode"), Round.starts_at.label("round_starts_at"),
            Participant.started_at.label("own_start"),
            course.id.label("rules_id"), course.gamification, course.time_zone.label("course_zone"),
            course.weekly_streaks, course.rest_days, RoundProblem.firsts,
            Player.updated_at, *(getattr(Player, name) for name in STATE_COLUMNS), *paid.c,
        )
        .select_from(Challenge)
        .outerjoin(course, course.id == func.coalesce(Challenge.course_id, home))
        .outerjoin(Player, Player.user_id == user_id)
        # `= NULL` matches nothing: outside a round there is no first solve to read.
        .outerjoin(RoundProblem, (RoundProblem.challenge_id == Challenge.id)
                   & (RoundProblem.round_id == round_id))
        .outerjoin(Round, Round.id == round_id)
        .outerjoin(Participant, (Participant.id == bindparam("participant_id", type_=Integer))
                   & (Participant.round_id == Round.id))
        .join(paid, true())  # never empty: its part 1 is always one row
        .where(Challenge.id == bindparam("challenge_id", type_=Integer))
        .order_by(paid.c.part, paid.c.submission_id, paid.c.judgement_id)
    )  # fmt: skip


@cache
def _write_statements() -> tuple[Insert, Update]:
    # Named apart from the columns: SQLAlchemy keeps a column's own name for itself.
    values: dict[str, Any] = {
        name: bindparam(f"new_{name}") for name in (*STATE_COLUMNS, "updated_at")
    }
    return (
        insert(Player).values(user_id=bindparam("player_id"), **values),
        update(Player)
        .where(Player.user_id == bindparam("player_id"), Player.updated_at == bindparam("version"))
        .values(**values),
    )


_RACED = "The player's game state changed meanwhile; record the verdict again."


def save(state: VerdictState) -> None:
    """Write the player's row back if the verdict changed it (one statement, or none)."""
    player = state.player
    if player == state.stored or (state.stored is None and player == PlayerState(player.user_id)):
        return
    values: dict[str, Any] = {f"new_{name}": getattr(player, name) for name in STATE_COLUMNS}
    values.update(player_id=player.user_id, new_updated_at=utcnow(), version=state.version)
    add, change = _write_statements()
    if state.stored is None:
        # A racing first verdict of the same user inserts too: the key refuses one, retried.
        db.session.connection().execute(add, values)  # handlers.apply_verdict: Contended
    elif db.session.connection().execute(change, values).rowcount != 1:
        raise Contended(_RACED)
    stale = db.session.identity_map.get(db.session.identity_key(Player, player.user_id))
    if stale is not None:  # a Player loaded earlier in this session reads the new row
        db.session.expire(stale)


def _copy(player: PlayerState) -> PlayerState:
    return replace(player, languages=list(player.languages), badges=list(player.badges))
