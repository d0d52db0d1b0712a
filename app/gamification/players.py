"""A user's game state: the Player row, the course that sets their defaults, the streak."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.gamification import streaks
from app.gamification.streaks import Streak
from app.models import Course, Enrollment, Player, User
from app.stores import bound_lock_holding

# The name of a player who left the boards, or who has no name to show.
ANONYMOUS = "A classmate"


class StreakHolder(Protocol):
    """A Player row or its plain copy (verdict_state.PlayerState): what a streak reads."""

    streak_current: int
    streak_best: int
    streak_last: int | None
    streak_weekly: bool
    streak_freezes: int
    time_zone: str
    previous_time_zone: str
    time_zone_changed_at: datetime | None


class StreakRules(Protocol):
    """A Course or its plain copy (verdict_state.CourseRules): the rules it sets."""

    @property
    def gamification(self) -> bool: ...
    @property
    def time_zone(self) -> str: ...
    @property
    def weekly_streaks(self) -> bool: ...
    @property
    def rest_days(self) -> list[str]: ...


def gamified(course: StreakRules | None) -> bool:
    """A course's teacher may switch gamification off; challenges outside courses are on."""
    return course is None or course.gamification


def player_of(user_id: int) -> Player:
    """The user's Player row, added (not committed) on first use; to read it (a service that
    writes it takes held_player)."""
    player = db.session.get(Player, user_id)
    if player is None:
        player = Player(user_id=user_id, xp=0, level=1, solved=0, streak_current=0,
                        streak_best=0, streak_freezes=0, bosses_defeated=0, medals=0, languages=[],
                        badges=[])  # fmt: skip
        db.session.add(player)
    return player


def held_player(user_id: int) -> Player:
    """The user's Player row locked for this transaction (SELECT ... FOR UPDATE, read afresh),
    created first if missing: what a service writes over it (totals, badges, zone) can't
    overwrite a verdict committed meanwhile. A verdict that read the row before is refused by
    its guard (verdict_state.save) and recorded again on the new one."""
    bound_lock_holding()
    player = _locked(user_id)
    if player is None:  # a racing first write of the same user: the key keeps one, both lock it
        make = (
            postgresql_insert
            if db.session.get_bind().dialect.name == "postgresql"
            else (sqlite_insert)
        )
        db.session.execute(
            make(Player).values(user_id=user_id).on_conflict_do_nothing(index_elements=["user_id"])
        )
        player = _locked(user_id)
    assert player is not None
    return player


def _locked(user_id: int) -> Player | None:
    return db.session.scalar(
        select(Player)
        .where(Player.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def home_course(user_id: int) -> Course | None:
    """The course that sets a user's defaults (zone, weekly streaks, rest days): the first
    one they joined that is not archived."""
    return db.session.scalar(
        select(Course)
        .join(Enrollment, Enrollment.course_id == Course.id)
        .where(Enrollment.user_id == user_id, Course.archived.is_(False))
        .order_by(Enrollment.joined_at, Enrollment.id)
        .limit(1)
    )


def zone_name(player: StreakHolder, course: StreakRules | None) -> str:
    """The zone a user's days are counted in: their own, else their course's, else UTC."""
    return player.time_zone or (course.time_zone if course else "") or streaks.DEFAULT_ZONE


def rest_check(course: StreakRules | None, weekly: bool) -> streaks.IsRest:
    if course is None or not course.rest_days:
        return streaks.never_rest
    days = []
    for text in course.rest_days:
        try:
            days.append(date.fromisoformat(text))
        except ValueError:
            continue
    return streaks.rest_periods(days, weekly).__contains__


def count_streak(player: StreakHolder, course: StreakRules | None, moment: datetime) -> bool:
    """Count the period of moment (when an accepted or improved submission was made, not when
    it was judged); whether the streak changed."""
    weekly = bool(course and course.weekly_streaks)
    if weekly != player.streak_weekly:  # days and weeks don't mix: a new kind starts anew
        player.streak_weekly, player.streak_current, player.streak_last = weekly, 0, None
    day = streaks.counted_day(
        moment, zone_name(player, course), player.previous_time_zone, player.time_zone_changed_at
    )
    before = stored_streak(player)
    after = streaks.record(before, streaks.period_of(day, weekly), rest_check(course, weekly))
    player.streak_current, player.streak_best = after.current, after.best
    player.streak_last, player.streak_freezes = after.last, after.freezes
    return after != before


def stored_streak(player: StreakHolder) -> Streak:
    return Streak(player.streak_current or 0, player.streak_best or 0, player.streak_last,
                  player.streak_freezes or 0)  # fmt: skip


def shown_streak(player: StreakHolder, course: StreakRules | None, now: datetime) -> int:
    """The streak to show now (0 once it is broken beyond what freezes cover)."""
    weekly = player.streak_weekly
    today = streaks.period_of(streaks.local_day(now, zone_name(player, course)), weekly)
    return streaks.shown(stored_streak(player), today, rest_check(course, weekly))


def board_name(user_id: int) -> str:
    """How a user is named where the class sees them (shown_name); "A classmate" for one who
    left the boards."""
    row = db.session.execute(
        select(User.name, Player.pseudonym, Player.hidden)
        .outerjoin(Player, Player.user_id == User.id)
        .where(User.id == user_id)
    ).first()
    if row is None or row.hidden:
        return ANONYMOUS
    return shown_name(row.name, row.pseudonym)


def shown_name(name: str | None, pseudonym: str | None) -> str:
    """A user's name on a board or a fight others see: the pseudonym, else the first name.
    Never the full name or the email's local part (often the full name, or a student id)."""
    if pseudonym:
        return pseudonym
    first = (name or "").split()
    return first[0] if first else ANONYMOUS
