"""The event feed, derived from the SQL rows: the same rows give the same events, in the same
order, with the same tokens, on every web process (nothing lives in Redis or in memory).

Each event has a key (time in microseconds, kind, object number, version) and its token is
that key. Times are clamped so that an object's event never comes before the events of the
objects it references (a team before its submissions, a submission before its judgements).
A judgement the role may not see yet (the freeze) is left out until the thaw, and then comes
at the thaw's time, so a client that resumes after the thaw gets it. Only events older than
CLICS_FEED_SETTLE_SECONDS are served: a row committed a moment after a later one was read
still comes after the token a client holds. A row committed later than that (a slow
transaction, a jury's submission sent with a past time) is keyed by its commit, never by a
time before it (app/clics/visible.py): a submission by its visible_at, and its judgements after.

A change that leaves no time in its row (a staff override, a renamed problem, a deletion) is
logged as a ClicsChange row in its own transaction (app/clics/changes.py); each one is an
update event of the object as it is now (or a delete event), keyed by the change's time and
row id, under the same freeze rules as the object's own events.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from app.clics import contest_data, groups, objects
from app.clics.ids import Ids
from app.clics.roles import Role
from app.clics.service import awards, state_at
from app.contests.clarifications import clics_clarifications
from app.errors import AppError
from app.extensions import db
from app.models import Clarification, ClicsChange, Judgement, Round, Submission

EPOCH = datetime(1970, 1, 1)
Key = tuple[int, int, int, int]
END_OF_UPDATES = 99  # the kind of the state event that ends the feed: always last
# The key's kind per type: referenced types first, as the spec orders them at one time.
KIND = {"contest": 0, "judgement-types": 1, "languages": 2, "problems": 3, "groups": 4,
        "organizations": 5, "teams": 6, "persons": 7, "accounts": 8, "state": 9,
        "submissions": 10, "judgements": 11, "runs": 12, "clarifications": 13, "awards": 14}  # fmt: skip
# A logged change's key number: after every object's own events of its kind at that time (an
# override the freeze held back comes at the thaw, after the judgement's own events there).
CHANGED = 1 << 62
DELETED = 50  # a delete event's kind is DELETED minus its type's
PRIVATE_KINDS = ("persons", "accounts", "clarifications")  # deletions only the jury is told of
RESULT_KINDS = ("judgements", "runs")  # deletions told with their submission's


class BadToken(AppError):
    """A since_token this server did not give."""

    status = 400
    code = "bad_token"


@dataclass(frozen=True)
class Event:
    key: Key
    type: str
    id: str | None
    data: Any

    @property
    def token(self) -> str:
        return ".".join(str(part) for part in self.key)

    @cached_property
    def text(self) -> str:
        return json.dumps({"type": self.type, "id": self.id, "data": self.data,
                           "token": self.token}, separators=(",", ":")) + "\n"  # fmt: skip

    def line(self) -> str:
        """The event as one NDJSON line."""
        return self.text


def micros(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def parse_token(token: str) -> Key:
    """The key a token names; BadToken otherwise."""
    parts = token.split(".")
    if len(parts) != 4 or not all(p.isdigit() for p in parts):
        raise BadToken(f"Unknown since_token {token!r}: reconnect without one.")
    a, b, c, d = (int(p) for p in parts)
    return (a, b, c, d)


def events(round_: Round, role: Role, until: datetime) -> list[Event]:
    """Every event of this round this role may see, with a time up to until, in order."""
    base = micros(round_.created_at)
    found: list[Event] = []
    shown: dict[tuple[str, str], tuple[int, Any]] = {}  # (type, id) -> (first time, latest data)

    def add(at: int, kind: int, number: int, version: int, type_: str, id_: str | None,
            data: Any) -> None:  # fmt: skip
        found.append(Event((at, kind, number, version), type_, id_, data))
        if id_ is not None:
            shown[(type_, id_)] = (shown.get((type_, id_), (at,))[0], data)

    add(base, 0, 0, 0, "contest", None, objects.contest(round_))
    for i, item in enumerate(objects.judgement_types(round_)):
        add(base, 1, i, 0, "judgement-types", item["id"], item)
    for i, item in enumerate(objects.languages(round_)):
        add(base, 2, i, 0, "languages", item["id"], item)
    data = contest_data.load(round_)
    # Numbered by something of their own, not their place in a list: a problem or group added
    # later must not move the tokens of the others.
    # The public and the teams get the problems at the start (the jury at once).
    opened = base if role.kind == "admin" else max(base, micros(round_.starts_at))
    for problem, item in zip(round_.problems, contest_data.problems(data), strict=True):
        add(opened, 3, problem.id, 0, "problems", item["id"], item)
    for item in contest_data.groups(data):
        add(base, 4, _number(item["id"]), 0, "groups", item["id"], item)
    for item in groups.imported(round_, "organizations"):
        add(base, 5, _number(item["id"]), 0, "organizations", item["id"], item)
    team_at = {p.id: max(base, micros(p.created_at)) for p in data.participants.values()}
    pid_of = {clics_id: pid for pid, clics_id in data.ids.teams.items()}
    for participant, item in zip(data.participants.values(), contest_data.teams(data), strict=True):
        add(team_at[participant.id], 6, participant.id, 0, "teams", item["id"], item)
    for item in contest_data.persons(data, role):
        add(
            team_at[pid_of[item["team_ids"][0]]], 7, int(item["id"]), 0, "persons", item["id"], item
        )
    for item in contest_data.accounts(data, role):
        at = team_at[pid_of[item["team_id"]]] if item.get("team_id") else base
        add(at, 8, int(item["id"]), 0, "accounts", item["id"], item)
    _state_events(round_, base, add)
    thaw = micros(round_.thawed_at) if round_.thawed_at is not None else None
    for sent in data.submissions:
        seen = sent.visible_at or sent.created_at  # committed late: keyed by its commit
        sent_at = max(team_at[sent.participant_id or 0], micros(sent.created_at), micros(seen))
        item = contest_data.submission(data, sent, role)
        add(sent_at, 10, sent.id, 0, "submissions", item["id"], item)
        embargoed = data.embargoed(role, sent)
        if embargoed and thaw is None:
            continue
        for judged in data.judgements.get(sent.id, []):
            runs = data.runs.get(judged.id, [])
            start = max(sent_at, micros(judged.created_at))
            end = max(start, micros(judged.finished_at or judged.created_at))
            if embargoed and thaw is not None:
                start, end = max(start, thaw), max(end, thaw)
            points = data.points(sent)
            first = objects.judgement(round_, judged, item["id"], runs, True, points)
            add(start, 11, judged.id, 0, "judgements", first["id"], first)
            if objects.judged(judged):
                for result in runs:
                    run = objects.run(round_, result, judged)
                    add(end, 12, result.id, 0, "runs", run["id"], run)
                done = objects.judgement(round_, judged, item["id"], runs, points=points)
                add(end, 11, judged.id, 1, "judgements", done["id"], done)
    viewer, ids = contest_data.clarification_viewer(role), Ids.of(round_, messages=True)
    for row in contest_data.clarification_rows(round_):
        floor = team_at.get(row.participant_id or 0, base)
        for item in clics_clarifications(row, round_, viewer):
            question = item["id"].startswith("q")
            moment = row.created_at if question else (row.answered_at or row.created_at)
            item = ids.clarification(item)
            add(max(floor, micros(moment)), 13, row.id, 0 if question else 1, "clarifications",
                item["id"], item)  # fmt: skip
    if round_.finalized_at is not None:
        at = max(base, micros(round_.finalized_at), thaw or 0)
        for i, item in enumerate(awards(round_, role)):
            add(at, 14, i, 0, "awards", item["id"], item)
    found += _changes(round_, role, base, shown, ids, lambda: contest_data.gone_results(data, role))
    limit = micros(until)
    ordered = sorted((e for e in found if e.key[0] <= limit), key=lambda e: e.key)
    last = next((i for i, e in enumerate(ordered) if e.key[1] == END_OF_UPDATES), None)
    return ordered if last is None else ordered[: last + 1]  # nothing after end_of_updates


def _number(clics_id: str) -> int:
    """A stable key number for an object whose id is not a row's."""
    return int(hashlib.sha256(clics_id.encode()).hexdigest()[:12], 16)


def _changes(round_: Round, role: Role, base: int, shown: dict[tuple[str, str], tuple[int, Any]],
             ids: Ids, gone: Callable[[], contest_data.Gone]) -> Iterator[Event]:  # fmt: skip
    """An update event per logged change to an object this role sees, carrying it as it is
    now, never before the object's own first event (so a judgement the freeze hides comes
    after the thaw); a delete event for one that is gone (a private kind's for the jury only),
    a submission's with its judgements' and runs' if the role could have seen them: not
    those the freeze hid from it before the thaw (their count tells a verdict)."""
    thaw = micros(round_.thawed_at) if round_.thawed_at is not None else None
    results: contest_data.Gone | None = None  # read only if a submission's deletion is logged
    rows = db.session.execute(
        select(ClicsChange.id, ClicsChange.type, ClicsChange.object_id, ClicsChange.deleted,
               ClicsChange.at)
        .where(ClicsChange.round_id == round_.id).order_by(ClicsChange.id)
    ).tuples()  # fmt: skip
    for number, type_, object_id, deleted, moment in rows:
        at, kind = max(base, micros(moment)), KIND[type_]
        if type_ == "clarifications":  # logged by codedev's own message id
            object_id = ids.message(object_id)
        if type_ == "contest":
            yield Event((at, kind, CHANGED, number), "contest", None, objects.contest(round_))
        elif (type_, object_id) in shown:
            first, data = shown[(type_, object_id)]
            yield Event((max(at, first), kind, CHANGED, number), type_, object_id, data)
        elif type_ == "problems" and role.kind != "admin" and moment < round_.starts_at:
            continue  # deleted before the start: never shown to this role
        elif deleted and (role.kind == "admin" or type_ not in PRIVATE_KINDS):
            if type_ == "submissions":
                results = gone() if results is None else results
                hidden, items = results.get(object_id, (False, []))
                if not hidden or (thaw is not None and at >= thaw):
                    # Numbered by their rows after CHANGED, so each has a key of its own.
                    for item_type, row_id, item_id in items:
                        key = (at, DELETED - KIND[item_type], CHANGED + row_id, number)
                        yield Event(key, item_type, item_id, None)
            elif type_ in RESULT_KINDS and role.kind != "admin":
                continue  # one logged on its own by an earlier version: the jury's alone
            # Deletions at one time go referencing objects first (a judgement before its
            # submission before its team), after that time's creations and updates.
            yield Event((at, DELETED - kind, CHANGED, number), type_, object_id, None)


def _state_events(round_: Round, base: int, add: Any) -> None:
    """A state event at the round's creation and at each transition since."""
    moments = [round_.created_at, round_.starts_at, round_.freeze_at, round_.ends_at,
               round_.thawed_at, round_.finalized_at]  # fmt: skip
    for i, moment in enumerate(moments):
        if moment is None:
            continue
        state = state_at(round_, max(moment, round_.created_at))
        kind = END_OF_UPDATES if state["end_of_updates"] else 9
        add(max(base, micros(moment)), kind, i, 0, "state", None, state)
        if kind == END_OF_UPDATES:
            return


def after(items: list[Event], since: Key | None) -> Iterator[Event]:
    """The events after a key (all of them without one)."""
    return (e for e in items if since is None or e.key > since)


# The last few derivations of this app in this process, by (round, role, until, what the rows
# hold): many clients reading one feed in the same second share one derivation. Only a
# speed-up: a miss derives again from SQL, and the fingerprint keeps a changed round from being
# served stale. Kept per app, not per module: another app on another database (a test's, which
# reuses row ids and times) must never be served this one's events.
_RECENT_SIZE = 8
_LOCK = threading.Lock()


def _recent() -> OrderedDict[tuple[Any, ...], list[Event]]:
    """This app's derivations (call under _LOCK)."""
    found: OrderedDict[tuple[Any, ...], list[Event]] = current_app.extensions.setdefault(
        "clics_feed_recent", OrderedDict()
    )
    return found


FAR_FUTURE = datetime(9999, 1, 1)


def fingerprint(round_: Round) -> tuple[Any, ...]:
    """What changes whenever an event is added or its data changes (one aggregate query)."""
    sent = select(func.count(Submission.id), func.max(Submission.id)).where(
        Submission.round_id == round_.id
    )
    judged = (
        select(func.count(Judgement.id), func.max(Judgement.id), func.max(Judgement.finished_at),
               func.count(Judgement.override_verdict))
        .join(Submission, Submission.id == Judgement.submission_id)
        .where(Submission.round_id == round_.id)
    )  # fmt: skip
    asked = select(func.count(Clarification.id), func.max(Clarification.answered_at)).where(
        Clarification.round_id == round_.id
    )
    changed = select(func.max(ClicsChange.id)).where(ClicsChange.round_id == round_.id)
    rows = [tuple(db.session.execute(q).one()) for q in (sent, judged, asked, changed)]
    return (round_.created_at, round_.thawed_at, round_.finalized_at, round_.starts_at,
            round_.ends_at, round_.freeze_at, len(round_.participants), *rows)  # fmt: skip


def shared_events(round_: Round, role: Role, until: datetime) -> list[Event]:
    """events(), with one derivation shared by the clients that ask in the same second for
    the same rows (the others wait for it), cut at each one's own until."""
    key = (round_.id, role, until.replace(microsecond=0), fingerprint(round_))
    with _LOCK:
        recent = _recent()
        found = recent.get(key)
        if found is None:
            found = events(round_, role, FAR_FUTURE)
            recent[key] = found
            while len(recent) > _RECENT_SIZE:
                recent.popitem(last=False)
    limit = micros(until)
    return [e for e in found if e.key[0] <= limit]
