"""CLICS TIME and RELTIME strings (stored times are naive UTC): the one writer and reader of
them, below both the contests and the CLICS areas."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def abstime(moment: datetime) -> str:
    """CLICS TIME: ISO 8601 with milliseconds and the zone."""
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}+00:00"


def reltime(delta: timedelta) -> str:
    """CLICS RELTIME: (-)h:mm:ss.uuu."""
    millis = round(delta.total_seconds() * 1000)
    sign, millis = ("-" if millis < 0 else ""), abs(millis)
    seconds, ms = divmod(millis, 1000)
    minutes, s = divmod(seconds, 60)
    hours, m = divmod(minutes, 60)
    return f"{sign}{hours}:{m:02d}:{s:02d}.{ms:03d}"


def parse_reltime(text: str) -> timedelta:
    """A RELTIME string as a duration; ValueError if it is not one."""
    sign = -1 if text.startswith("-") else 1
    hours, minutes, seconds = text.lstrip("-").split(":")
    return sign * timedelta(hours=int(hours), minutes=int(minutes), seconds=float(seconds))


def parse_abstime(text: str) -> datetime:
    """A TIME string as naive UTC; ValueError if it is not one."""
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    if len(value) > 3 and value[-3] in "+-" and value[-2:].isdigit():  # "+01": an hour offset
        value += ":00"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
