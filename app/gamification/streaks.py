"""Streak rules: calendar days (or weeks) in the user's IANA time zone, freezes, rest days.

- A period (a day, or an ISO week when the course counts weekly) counts on at least one
  accepted or improved submission made in it (made, not judged: a verdict after midnight
  counts the day the student sent it). Periods are whole numbers: a day's ordinal, or the
  ordinal of its week's Monday // 7, so "the next period" is always +1.
- Periods between two counted ones that are rest days (marked by the teacher) never break a
  streak and use no freeze. Any other missed period uses a freeze if one is held (automatic);
  otherwise the streak starts again at 1 (the freezes held went on the gap). A frozen period
  keeps the streak but adds nothing.
- Freezes: one is earned for every 7 periods counted in a row, at most 2 are held.
- Time never runs backwards for a streak: a period at or before the last counted one changes
  nothing, so moving to a zone further west can't count a day twice. Moving east could reach
  "tomorrow" early: for 7 days after a change the earlier of the old and new zone's day counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

FREEZE_EVERY = 7
MAX_FREEZES = 2
ZONE_CHANGE_EVERY = timedelta(days=7)
DEFAULT_ZONE = "UTC"

IsRest = Callable[[int], bool]


def never_rest(period: int) -> bool:
    return False


@dataclass(frozen=True)
class Streak:
    """A user's streak as stored: the run, the best run, the last counted period, freezes."""

    current: int = 0
    best: int = 0
    last: int | None = None
    freezes: int = 0


def zone(name: str | None) -> ZoneInfo:
    """The named IANA zone, UTC for an empty or unknown name."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def is_zone(name: str) -> bool:
    """Whether name is an IANA zone this machine knows."""
    return name in _zones()


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


def local_day(moment: datetime, zone_name: str | None) -> date:
    """The calendar day of a (naive UTC) moment in a zone."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(zone(zone_name)).date()


def counted_day(
    moment: datetime, zone_name: str | None, previous_zone: str | None, changed_at: datetime | None
) -> date:
    """The day a moment counts as: its day in the user's zone, or for a week after a change of
    zone the earlier of the old and new zone's day (no reaching tomorrow early)."""
    day = local_day(moment, zone_name)
    if previous_zone and changed_at is not None and moment - changed_at < ZONE_CHANGE_EVERY:
        day = min(day, local_day(moment, previous_zone))
    return day


def day_period(day: date) -> int:
    return day.toordinal()


def week_period(day: date) -> int:
    """The ISO week of a day as a whole number (its Monday's ordinal // 7)."""
    monday = day - timedelta(days=day.weekday())
    return monday.toordinal() // 7


def period_of(day: date, weekly: bool) -> int:
    return week_period(day) if weekly else day_period(day)


def rest_periods(days: Iterable[date], weekly: bool) -> set[int]:
    """Rest days as periods: a week is a rest period when its five weekdays all are."""
    days = set(days)
    if not weekly:
        return {day_period(day) for day in days}
    weeks: dict[int, int] = {}
    for day in days:
        if day.weekday() < 5:
            weeks[week_period(day)] = weeks.get(week_period(day), 0) + 1
    return {week for week, count in weeks.items() if count == 5}


def record(streak: Streak, period: int, is_rest: IsRest = never_rest) -> Streak:
    """The streak after a counting submission in `period`."""
    if streak.last is None:
        return _counted(Streak(0, streak.best, None, streak.freezes), period)
    if period <= streak.last:
        return streak
    missed = _missed(streak.last, period, is_rest, cap=streak.freezes + 1)
    if missed <= streak.freezes:
        return _counted(replace(streak, freezes=streak.freezes - missed), period)
    return _counted(Streak(0, streak.best, None, 0), period)  # freezes went on the gap


def shown(streak: Streak, today: int, is_rest: IsRest = never_rest) -> int:
    """The run to show today: 0 once more periods were missed than freezes can cover
    (today itself can still be saved, so it is not missed yet)."""
    if streak.last is None:
        return 0
    if today <= streak.last:
        return streak.current
    missed = _missed(streak.last, today, is_rest, cap=streak.freezes + 1)
    return streak.current if missed <= streak.freezes else 0


def _missed(last: int, period: int, is_rest: IsRest, *, cap: int) -> int:
    """Missed (non-rest) periods strictly between last and period, counted up to cap: past
    the freezes held the exact number no longer matters, and a gap may be years long."""
    missed = 0
    for between in range(last + 1, period):
        if not is_rest(between):
            missed += 1
            if missed >= cap:
                break
    return missed


def _counted(streak: Streak, period: int) -> Streak:
    current = streak.current + 1
    freezes = streak.freezes
    if current % FREEZE_EVERY == 0:
        freezes = min(freezes + 1, MAX_FREEZES)
    return Streak(current, max(streak.best, current), period, freezes)


def may_change_zone(changed_at: datetime | None, now: datetime) -> bool:
    """A user's time zone may change at most once a week."""
    return changed_at is None or now - changed_at >= ZONE_CHANGE_EVERY
