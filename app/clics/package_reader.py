"""Read a CLICS contest package (folder or .zip): contest.json or contest.yaml, then either the
per-endpoint JSON files (problems and accounts also as YAML) or an event-feed.ndjson, into
plain objects by id, checked as a whole; zipped sources and problem packages are unpacked
where the importer reads them (app/clics/package_layout.py). A contest whose start_time is
null (not scheduled yet) is taken if nothing in it has happened yet.

What a CCS is known to write beside the schema is taken with a warning: penalty_time as a
RELTIME, submissions without files, state events with some fields, problem ordinals from 0,
unknown account types, objects updated many times or deleted, a judgement with no verdict
that a later one replaces. What cannot be a contest is an error naming the file and line:
an unknown reference, a duplicate id, times out of order, an object that is not one or lacks a
field the importer needs (app/clics/package_shapes.py), an unsafe or huge archive.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from app.archives import Caps, read_package, strip_top
from app.clics import package_layout, package_shapes
from app.errors import ValidationError
from app.scoring.times import parse_abstime, parse_reltime

ENDPOINTS = ("judgement-types", "languages", "problems", "groups", "organizations", "teams",
             "persons", "accounts", "submissions", "judgements", "runs", "clarifications",
             "awards")  # fmt: skip
ACCOUNT_TYPES = ("team", "judge", "admin", "analyst", "staff")
# A contest package's files are small JSON; the caps are those of a problem package.
CAPS = Caps(package_bytes=256 * 1024 * 1024, total_bytes=512 * 1024 * 1024)


class PackageError(ValidationError):
    """A contest package that cannot be imported; the message names the file and line."""

    code = "bad_package"


@dataclass
class ContestPackage:
    """A package's objects by endpoint and id (the latest version of each), and where each
    came from ("teams.json:12", "event-feed.ndjson:40") for messages."""

    contest: dict[str, Any]
    state: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    where: dict[tuple[str, str], str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def of(self, endpoint: str) -> dict[str, dict[str, Any]]:
        return self.objects.setdefault(endpoint, {})


def read(path: Path) -> ContestPackage:
    """Read and check a package folder or .zip; PackageError if it cannot be a contest."""
    try:
        files = read_package(Path(path), CAPS)
    except ValidationError as error:
        raise PackageError(f"{Path(path).name}: {error.message}") from error
    return read_files(files)


def read_files(files: dict[str, bytes]) -> ContestPackage:
    """Check a package already read into {path: bytes} (an upload, a shadow's feed)."""
    files = strip_top(files, ("contest.json", "contest.yaml", "event-feed.ndjson"))
    package = ContestPackage(_contest(files), files=files)
    package.where[("contest", "")] = next(
        (n for n in ("contest.json", "contest.yaml") if n in files), "contest"
    )
    if "event-feed.ndjson" in files and not any(
        f"{e}.json" in files for e in ("teams", "submissions")
    ):
        _read_feed(package, files["event-feed.ndjson"])
    else:
        for endpoint in ENDPOINTS:
            name = package_layout.endpoint_file(files, endpoint)
            if name is not None:
                _read_array(package, endpoint, files[name], name)
        if "state.json" in files:
            package.state = _json(files["state.json"], "state.json")
            if not isinstance(package.state, dict):
                raise PackageError("state.json:1: the state must be a JSON object")
    fault = package_shapes.fault(package)
    if fault is not None:
        raise PackageError(fault)
    try:
        package.warnings += package_layout.unpack(package.files, package.objects)
    except ValidationError as error:
        raise PackageError(error.message) from error
    _tolerate(package)
    _check(package)
    return package


def _json(data: bytes, where: str) -> Any:
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        line = getattr(error, "lineno", 1)
        raise PackageError(f"{where}:{line}: not JSON ({error})") from error


def _contest(files: dict[str, bytes]) -> dict[str, Any]:
    if "contest.json" in files:
        contest = _json(files["contest.json"], "contest.json")
    elif "contest.yaml" in files:
        try:
            raw = yaml.safe_load(files["contest.yaml"]) or {}
        except yaml.YAMLError as error:
            raise PackageError(f"contest.yaml: not YAML ({error})") from error
        if not isinstance(raw, dict):
            raise PackageError("contest.yaml: the contest must be a YAML mapping.")
        contest = {str(k).replace("-", "_"): v for k, v in raw.items()}
        if "scoreboard_freeze_length" in contest:
            contest["scoreboard_freeze_duration"] = contest.pop("scoreboard_freeze_length")
    elif "event-feed.ndjson" in files:
        contest = {}  # the feed's contest event says it
    else:
        raise PackageError("The package has no contest.json or contest.yaml.")
    if not isinstance(contest, dict):
        raise PackageError("contest.json: the contest must be a JSON object.")
    return contest


def _line_of(text: str, object_id: str, start: int) -> tuple[int, int]:
    """The line where an object's id appears (from start), and where to look next."""
    at = text.find(json.dumps(object_id), start)
    if at < 0:
        return 1, start
    return text.count("\n", 0, at) + 1, at + 1


def _read_array(package: ContestPackage, endpoint: str, data: bytes, name: str) -> None:
    """The objects of <endpoint>.json (or its YAML variant), each with where it is."""
    if name.endswith(".yaml"):
        try:
            placed = package_layout.yaml_items(data, name)
        except ValidationError as error:
            raise PackageError(error.message) from error
    else:
        items = _json(data, name)
        if not isinstance(items, list):
            raise PackageError(f"{name}:1: must be a JSON array")
        placed = [(item, 0) for item in items]  # each line found by its id below
    text, cursor = data.decode(errors="replace"), 0
    found = package.of(endpoint)
    for index, (item, line) in enumerate(placed, start=1):
        if not isinstance(item, dict) or item.get("id") in (None, ""):
            raise PackageError(f"{name}: item {index} has no id")
        object_id = str(item["id"])
        if not line:
            line, cursor = _line_of(text, object_id, cursor)
        if object_id in found:
            raise PackageError(f"{name}:{line}: duplicate id {object_id!r} "
                               f"(first at {package.where[(endpoint, object_id)]})")  # fmt: skip
        found[object_id] = item
        package.where[(endpoint, object_id)] = f"{name}:{line}"


def _read_feed(package: ContestPackage, data: bytes) -> None:
    """Replay the feed: the last version of each object counts; data null deletes it."""
    updated: set[tuple[str, str]] = set()
    for number, line in enumerate(data.decode(errors="replace").splitlines(), start=1):
        if not line.strip():
            continue  # a keep-alive
        where = f"event-feed.ndjson:{number}"
        event = _json(line.encode(), where)
        if not isinstance(event, dict):
            raise PackageError(f"{where}: an event must be a JSON object")
        kind, object_id, value = event.get("type"), event.get("id"), event.get("data")
        if kind in ("contest", "state") and not isinstance(value, dict | None):
            raise PackageError(f"{where}: the {kind} event's data must be an object")
        if kind == "contest":
            package.contest = value or package.contest
            package.where[("contest", "")] = where
        elif kind == "state":
            fault = package_shapes.object_fault(value or {}, "state", where, "the state")
            if fault is not None:
                raise PackageError(fault)
            if value and set(value) < {
                "started",
                "frozen",
                "ended",
                "thawed",
                "finalized",
                "end_of_updates",
            }:
                package.warnings.append(f"{where}: a state event with only {sorted(value)}")
            package.state.update(value or {})
        elif kind in ENDPOINTS:
            items = value if object_id is None and isinstance(value, list) else [value]
            if object_id is None and isinstance(value, list):
                package.of(kind).clear()
            for item in items:
                if not isinstance(item, dict | None) or (item is None and object_id is None):
                    raise PackageError(f"{where}: a {kind} event's data must be an object")
                given = object_id if object_id is not None else (item or {}).get("id")
                if given in (None, ""):
                    raise PackageError(f"{where}: a {kind} event names no id")
                key = str(given)
                if item is not None and item.get("id") is None:
                    item = dict(item, id=given)  # the event's id is the object's
                if key in package.of(kind):
                    updated.add((kind, key))
                if item is None:
                    package.of(kind).pop(key, None)
                else:
                    package.of(kind)[key] = item
                    package.where[(kind, key)] = where
    if updated:
        package.warnings.append(
            f"event-feed.ndjson: {len(updated)} objects updated more than once or deleted"
        )


def _tolerate(package: ContestPackage) -> None:
    """Accept, with a warning, what real CCSs write beside the schema."""
    contest = package.contest
    penalty = contest.get("penalty_time")
    if isinstance(penalty, str):
        package.warnings.append(f"contest: penalty_time {penalty!r} is a RELTIME, not minutes")
        contest["penalty_time"] = int(parse_reltime(penalty).total_seconds() // 60)
    without = [s for s in package.of("submissions").values() if not s.get("files")]
    if without:
        package.warnings.append(
            f"{len(without)} submissions have no files: imported as recorded results"
        )
    ordinals = [p.get("ordinal") for p in package.of("problems").values()]
    if 0 in ordinals:
        package.warnings.append("problems: ordinals start at 0")
    odd = {
        str(a.get("type"))
        for a in package.of("accounts").values()
        if a.get("type") not in ACCOUNT_TYPES
    }
    if odd:
        package.warnings.append(
            f"accounts: unknown account types {sorted(odd)} (accounts are not imported)"
        )
    verdicts: dict[str, list[Any]] = {}
    for item in package.of("judgements").values():
        verdicts.setdefault(str(item.get("submission_id")), []).append(
            item.get("judgement_type_id")
        )
    replaced = sum(v.count(None) for v in verdicts.values() if any(t is not None for t in v))
    if replaced:
        package.warnings.append(
            f"judgements: {replaced} without a verdict, replaced by a later judgement"
        )


def _check(package: ContestPackage) -> None:
    """Refuse unknown references and times out of order, naming where."""
    contest = package.contest
    if "start_time" not in contest:
        raise PackageError("contest: no start_time")
    start = None
    if contest["start_time"] is not None:
        start = parse_abstime(str(contest["start_time"]))  # its shape is checked
    else:  # not scheduled yet: imported waiting for its start, as a PATCH that clears it
        ran = [e for e in ("submissions", "judgements", "clarifications") if package.of(e)]
        if ran:
            raise PackageError(f"contest: start_time is null (not scheduled), but the package "
                               f"has {ran[0]}: a contest that ran needs its start time")  # fmt: skip
    refs = {"submissions": {"team_id": "teams", "problem_id": "problems"},
            "judgements": {"submission_id": "submissions"},
            "clarifications": {"from_team_id": "teams", "to_team_id": "teams",
                               "problem_id": "problems", "reply_to_id": "clarifications"}}  # fmt: skip
    for endpoint, fields in refs.items():
        for object_id, item in package.of(endpoint).items():
            for name, target in fields.items():
                value = item.get(name)
                if value is not None and str(value) not in package.of(target):
                    where = package.where.get((endpoint, object_id), endpoint)
                    raise PackageError(
                        f"{where}: {endpoint[:-1]} {object_id!r} names unknown {name} {value!r}"
                    )
    for object_id, team in package.of("teams").items():
        named = [("group_ids", "groups", g) for g in team.get("group_ids") or []]
        if team.get("organization_id") is not None:
            named.append(("organization_id", "organizations", team["organization_id"]))
        for name, target, value in named:
            if str(value) not in package.of(target):
                where = package.where.get(("teams", object_id), "teams")
                raise PackageError(f"{where}: team {object_id!r} names unknown {name} {value!r}")
    types = package.of("judgement-types")
    for object_id, item in package.of("judgements").items():
        where = package.where.get(("judgements", object_id), "judgements")
        type_id = item.get("judgement_type_id")
        if type_id is not None and types and str(type_id) not in types:
            raise PackageError(
                f"{where}: judgement {object_id!r} names unknown judgement type {type_id!r}"
            )
        sent = package.of("submissions")[str(item["submission_id"])]
        begun = _time(item.get("start_time") or sent.get("time"), where)
        if item.get("end_time") and _time(item["end_time"], where) < begun:
            raise PackageError(f"{where}: judgement {object_id!r} ends before it starts")
        if sent.get("time") and begun < _time(sent["time"], where):
            raise PackageError(f"{where}: judgement {object_id!r} starts before its submission")
    for object_id, item in package.of("submissions").items():
        where = package.where.get(("submissions", object_id), "submissions")
        if not item.get("time") and not item.get("contest_time"):
            raise PackageError(f"{where}: submission {object_id!r} has no time")
        if item.get("time") and start is not None and _time(item["time"], where) < start:
            raise PackageError(f"{where}: submission {object_id!r} comes before the contest starts")


def _time(value: Any, where: str) -> Any:
    try:
        return parse_abstime(str(value))
    except ValueError as error:
        raise PackageError(f"{where}: {value!r} is not a CLICS time") from error
