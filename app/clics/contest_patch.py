"""PATCH of a contest, as the spec's "Modifying contests" allows it: the jury sets or clears the
start time of a contest that has not started (contest_start), or thaws its board
(contest_thaw).

codedev keeps a start time on every round, so a cleared start moves the round far ahead (it
never opens) and remembers that it is unset; setting a start again moves the whole window
(end and freeze keep their offsets). codedev thaws at once, never at a time to come: a thaw
time that has passed thaws now (200 with the contest), a future one is refused (403), as the
spec allows a server that does not support that thaw time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from app.clics import objects
from app.clics.objects import start_unset
from app.clics.roles import role_in
from app.contests import state
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.models import Round, User
from app.scoring import live as board_live
from app.scoring.times import parse_abstime, parse_reltime, reltime

MARGIN = timedelta(seconds=30)  # the spec's: no start change within 30 s of the start
UNSET_START = datetime(9000, 1, 1)  # where a round with no start time waits


def patch(user: User, round_: Round, body: dict[str, Any], now: datetime) -> dict[str, Any] | None:
    """Apply a contest PATCH; the contest object when the server chose differently from the
    request (a thaw now), None when it did as asked. Only the round's jury may."""
    if role_in(user, round_).kind != "admin":
        raise Forbidden("Only the contest's jury may change it.")
    if str(body.get("id")) != str(round_.id):
        raise ValidationError("The body's id must be this contest's id.", field="id")
    fields = set(body) - {"id"}
    if fields == {"scoreboard_thaw_time"}:
        return _thaw(user, round_, body["scoreboard_thaw_time"], now)
    if "start_time" in fields and fields <= {"start_time", "countdown_pause_time"}:
        _start(round_, body["start_time"], body.get("countdown_pause_time"), now)
        return None
    raise ValidationError(
        "Send start_time (with an optional countdown_pause_time), or scoreboard_thaw_time."
    )


def _start(round_: Round, value: Any, pause: Any, now: datetime) -> None:
    if round_.mode != "contest":
        raise Forbidden("Only a contest's start can be moved: this round's windows are its own.")
    if not start_unset(round_) and now >= round_.starts_at - MARGIN:
        raise Forbidden("The contest has started, or starts within 30 s: its start is fixed.")
    extra = {k: v for k, v in (round_.clics or {}).items()
             if k not in ("start_unset", "countdown_pause_time")}  # fmt: skip
    if value is None:
        if pause is not None:
            extra["countdown_pause_time"] = reltime(_reltime(pause))
        _move(round_, UNSET_START)
        extra["start_unset"] = True
    else:
        if pause is not None:
            raise ValidationError(
                "countdown_pause_time goes with a null start_time only.",
                field="countdown_pause_time",
            )
        start = _time(value, "start_time")
        if start >= UNSET_START:  # where unset starts wait; nearer 9999 the window overflows
            raise ValidationError(
                f"The start time must be before {UNSET_START.year}.", field="start_time"
            )
        if start < now + MARGIN:
            raise Forbidden("The new start time is in the past or within 30 s.")
        _move(round_, start)
    round_.clics = extra
    db.session.commit()
    board_live.bump(round_.id)


def _move(round_: Round, start: datetime) -> None:
    """Move the round's window to start at start: its end and freeze keep their offsets
    (refused if that puts one past the last date Python holds, year 9999)."""
    shift = start - round_.starts_at
    try:
        ends_at = round_.ends_at + shift
        freeze_at = None if round_.freeze_at is None else round_.freeze_at + shift
    except OverflowError as error:
        raise ValidationError(
            "The new start time puts the contest's end past the year 9999.", field="start_time"
        ) from error
    round_.starts_at, round_.ends_at, round_.freeze_at = start, ends_at, freeze_at


def _thaw(user: User, round_: Round, value: Any, now: datetime) -> dict[str, Any]:
    at = _time(value, "scoreboard_thaw_time")
    if round_.freeze_at is None:
        raise Forbidden("This contest has no freeze to thaw.")
    if round_.thawed_at is not None:
        raise Forbidden("The contest is thawed already.")
    if at < round_.ends_at:
        raise Forbidden("The thaw time is before the contest's end.")
    if at > now:
        raise Forbidden("codedev thaws at once only: send a thaw time that has passed.")
    state.thaw(user, round_, now)
    return objects.contest(round_)


def _time(value: Any, name: str) -> datetime:
    try:
        return parse_abstime(str(value))
    except ValueError as error:
        raise ValidationError(f"`{name}` must be a CLICS time.", field=name) from error


def _reltime(value: Any) -> timedelta:
    try:
        found = parse_reltime(str(value))
    except ValueError as error:
        raise ValidationError("`countdown_pause_time` must be a RELTIME.",
                              field="countdown_pause_time") from error  # fmt: skip
    if found < timedelta(0):
        raise ValidationError("`countdown_pause_time` must not be negative.",
                              field="countdown_pause_time")  # fmt: skip
    return found
