"""The shape of what the importer reads of a contest package: per object, the fields it needs
and the type of each field it reads. The reader refuses a package that breaks them, naming the
file, line and field, before anything is stored (never a KeyError halfway through a store).

Lenient where the importer is: a name may be a number (it is read as text), a duration a
number of seconds (YAML reads 5:00:00 as one), penalty_time a RELTIME; any field it does not
need may be null.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from app.scoring.times import parse_abstime, parse_reltime

if TYPE_CHECKING:  # the reader calls this module: no import of it at run time
    from app.clics.package_reader import ContestPackage


def _id(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool) and str(value) != ""


def _text(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _parses(parse: Callable[[str], Any]) -> Callable[[Any], bool]:
    def fits(value: Any) -> bool:
        try:
            parse(str(value))
        except (ValueError, OverflowError):
            return False
        return isinstance(value, str)

    return fits


_time, _reltime = _parses(parse_abstime), _parses(parse_reltime)


def _duration(value: Any) -> bool:
    return _number(value) or _reltime(value)


def _ids(value: Any) -> bool:
    return isinstance(value, list) and all(_id(v) for v in value)


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _flag(value: Any) -> bool:
    return isinstance(value, bool)


def _refs(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


# What each kind of value must be, as said in a message.
KINDS: dict[Callable[[Any], bool], str] = {
    _id: "an id", _text: "text", _number: "a number", _time: "a CLICS time",
    _reltime: "a CLICS RELTIME", _duration: "a RELTIME or seconds", _ids: "an array of ids",
    _texts: "an array of strings", _flag: "true or false", _refs: "an array of file references",
}  # fmt: skip
REQUIRED = {"contest": ("name", "duration"), "teams": ("name",),
            "submissions": ("team_id", "problem_id"), "judgements": ("submission_id",)}  # fmt: skip
FIELDS: dict[str, dict[str, Callable[[Any], bool]]] = {
    "contest": {"name": _text, "formal_name": _text, "start_time": _time, "duration": _duration,
                "scoreboard_freeze_duration": _duration, "penalty_time": _duration,
                "scoreboard_type": _text},
    "state": {k: _time for k in ("started", "frozen", "ended", "thawed", "finalized", "end_of_updates")},
    "judgement-types": {"penalty": _flag, "solved": _flag},
    "languages": {"name": _text, "entry_point_required": _flag, "entry_point_name": _text,
                  "extensions": _texts},
    "problems": {"label": _id, "name": _text, "ordinal": _number, "rgb": _text,
                 "time_limit": _number, "max_score": _number, "package": _refs},
    "groups": {"name": _text}, "organizations": {"name": _text},
    "teams": {"name": _text, "display_name": _text, "label": _id, "group_ids": _ids,
              "organization_id": _id, "hidden": _flag},
    "submissions": {"team_id": _id, "problem_id": _id, "language_id": _id, "time": _time,
                    "contest_time": _reltime, "entry_point": _text, "files": _refs},
    "judgements": {"submission_id": _id, "judgement_type_id": _id, "start_time": _time,
                   "end_time": _time, "score": _number, "max_run_time": _number},
    "clarifications": {"from_team_id": _id, "to_team_id": _id, "reply_to_id": _id,
                       "problem_id": _id, "text": _text, "time": _time},
    "awards": {"team_ids": _ids},
}  # fmt: skip


def fault(package: ContestPackage) -> str | None:
    """What is wrong with the first object that has a missing or mistyped field, and where;
    None if nothing is."""
    return next(_faults(package), None)


def object_fault(item: dict[str, Any], endpoint: str, where: str, what: str) -> str | None:
    """What is wrong with one object (an event's data), if anything."""
    return next(_object(item, endpoint, where, what), None)


def _faults(package: ContestPackage) -> Iterator[str]:
    yield from _object(package.contest, "contest", package.where.get(("contest", ""), "contest"),
                       "the contest")  # fmt: skip
    yield from _object(package.state, "state", package.where.get(("state", ""), "state.json"),
                       "the state")  # fmt: skip
    for endpoint in FIELDS:
        if endpoint in ("contest", "state"):
            continue
        for object_id, item in package.of(endpoint).items():
            where = package.where.get((endpoint, object_id), endpoint)
            yield from _object(item, endpoint, where, f"{_singular(endpoint)} {object_id!r}")


def _object(item: dict[str, Any], endpoint: str, where: str, what: str) -> Iterator[str]:
    for name in REQUIRED.get(endpoint, ()):
        if item.get(name) in (None, ""):
            yield f"{where}: {what} has no {name}"
    for name, fits in FIELDS[endpoint].items():
        value = item.get(name)
        if value is not None and not fits(value):
            yield f"{where}: {what}: {name} {value!r} is not {KINDS[fits]}"


def _singular(endpoint: str) -> str:
    return endpoint[:-1].replace("-", " ")
