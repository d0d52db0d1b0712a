"""The score cache: one ScoreRow per (participant, audience) holding its totals and cells.

A finished judgement (a Judged event, in the recording transaction) recomputes one cell and
one row per audience; a new submission in a round does the same, so the board shows it
pending at once; an extension recomputes that participant's cells. `rebuild` recomputes a round from its submissions: after a thaw, an edit,
or by hand; tests compare the two. First-to-solve marks are kept in marks.py; what a viewer
reads is decided in boards.py; what is read, in attempts.py.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, Table, bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Participant, Round, RoundProblem, ScoreRow, Submission
from app.scoring import marks, trips
from app.scoring.attempts import (
    CELL,
    Clocked,
    all_attempts,
    cell_attempts,
    clock_of,
    rules_of,
)
from app.scoring.cells import cell
from app.scoring.freeze import AUDIENCES, hidden, visible
from app.scoring.standings import row
from app.scoring.types import Attempt, Cell, Row, Rules


@dataclass(frozen=True)
class Scheduled:
    """The round's columns a verdict's refresh reads (with its lock), instead of a Round."""

    id: int
    mode: str
    scoring: str
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int | None
    due_at: datetime | None
    credit_windows: list[dict[str, Any]]
    freeze_at: datetime | None
    thawed_at: datetime | None
    penalty_minutes: int
    ce_penalty: bool

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at


class Problem(NamedTuple):
    """The problem's columns a refresh reads and keeps (its counts and marks)."""

    id: int
    challenge_id: int
    label: str
    points: float
    counts: dict[str, Any] | None
    firsts: dict[str, Any] | None


class Stored(NamedTuple):
    """One audience's stored row of the participant, as locked."""

    id: int
    audience: str
    data: dict[str, Any]


_ROUND = (Round.id, Round.mode, Round.scoring, Round.starts_at, Round.ends_at,
          Round.duration_minutes, Round.due_at, Round.credit_windows, Round.freeze_at,
          Round.thawed_at, Round.penalty_minutes, Round.ce_penalty)  # fmt: skip
_PARTICIPANT = (Participant.id, Participant.virtual, Participant.started_at,
                Participant.extra_minutes)  # fmt: skip
_PROBLEM = (RoundProblem.id, RoundProblem.challenge_id, RoundProblem.label, RoundProblem.points,
            RoundProblem.counts, RoundProblem.firsts)  # fmt: skip
_ROW = (ScoreRow.id, ScoreRow.audience, ScoreRow.data)
_TABLE = cast(Table, ScoreRow.__table__)
_PROBLEMS = cast(Table, RoundProblem.__table__)


def refresh(submission: Submission) -> None:
    """Recompute the cell (and row) a round submission belongs to, for both audiences, in the
    caller's transaction."""
    if submission.round_id is None or submission.participant_id is None:
        return
    _refresh_cell(submission.round_id, submission.participant_id, submission.challenge_id)


def refresh_participant(round_id: int, participant_id: int) -> None:
    """Recompute every cell of one participant (their window moved: an extension changes the
    credit of what they sent), in the caller's transaction."""
    # The round's problems are locked first, in order, as rebuild does: a verdict on another
    # of this participant's problems meanwhile waits for its problem, not for our rows.
    problems = db.session.scalars(
        select(RoundProblem.challenge_id).where(RoundProblem.round_id == round_id)
        .order_by(RoundProblem.position).with_for_update()
    ).all()  # fmt: skip
    sent = set(db.session.scalars(select(Submission.challenge_id).where(
        Submission.round_id == round_id, Submission.participant_id == participant_id,
        Submission.kind == "submit")))  # fmt: skip
    for challenge_id in problems:
        if challenge_id in sent:
            _refresh_cell(round_id, participant_id, challenge_id)


def _refresh_cell(round_id: int, participant_id: int, challenge_id: int) -> None:
    # Columns and Core statements on the session's connection: loading and flushing ORM
    # objects cost a verdict more than the database does. The verdict's own write goes first.
    session = db.session()
    session.flush()
    connection = session.connection()
    keys = {"round_id": round_id, "participant_id": participant_id, "challenge_id": challenge_id}
    # One query for the round, the participant, the problem and the participant's rows, locked
    # in that order: verdicts on one problem run one after the other (its counts and marks), and
    # two verdicts of one participant too, the second reading the first's result (in its own
    # statement, after the lock: one statement would read from before the wait; both go in one
    # round trip). Rebuild locks the problems before the rows as well.
    found, read = trips.run(connection, [(_LOCKING[True], keys), (CELL, keys)])
    sent: Sequence[Any] | None = read
    if len(found) == len(AUDIENCES):
        stored = {r.audience: r for r in (Stored(*f[_ROW_AT:]) for f in found)}
    else:  # the participant's first submission: no rows yet, nothing locked when read
        found = connection.execute(_LOCKING[False], keys).all()
        if not found:
            return
        stored = _rows_for_update(connection, round_id, participant_id)
        sent = None
    head = found[0]
    round_ = Scheduled(*head[:_PARTICIPANT_AT])
    problem = Problem(*head[_PROBLEM_AT:_ROW_AT])
    clock = clock_of(round_, Clocked(*head[_PARTICIPANT_AT:_PROBLEM_AT]))
    attempts = cell_attempts(round_, clock, problem, sent)
    rules = Rules(round_.scoring, round_.penalty_minutes, round_.ce_penalty,  # type: ignore[arg-type]
                  points={problem.label: problem.points})  # fmt: skip
    thawed = round_.thawed_at is not None
    values = {
        audience: cell(visible(attempts, freeze_seconds=clock.freeze, viewer=viewer, thawed=thawed),
                       rules, problem.label)
        for audience, viewer in AUDIENCES.items()
    }  # fmt: skip
    writes, counts = _cells_written(rules, clock.id, problem, values, stored)
    firsts = None
    if clock.virtual:  # not on the official board: its footer and marks stay as they are
        counts = problem.counts or {}
    else:
        firsts = marks.refreshed(round_, problem, problem.firsts, attempts, rules)
    steps: list[trips.Step] = [(_ROW_WRITE, writes)] if writes else []
    changes: dict[str, Any] = {}
    if counts != (problem.counts or {}):
        changes["counts"] = counts
    if firsts is not None and firsts != (problem.firsts or {}):
        changes["firsts"] = firsts
    if changes:
        steps.append((_PROBLEM_WRITE, {"problem_id": problem.id, **changes}))
    if steps:  # in one round trip
        trips.run(connection, steps)
    # ORM copies in this session would be stale until the commit expires them.
    _expire(session, RoundProblem, [problem.id])
    _expire(session, ScoreRow, [r.id for r in stored.values()])


def _locking(with_rows: bool) -> Any:
    query = (
        select(*_ROUND, *_PARTICIPANT, *_PROBLEM, *(_ROW if with_rows else ()))
        .join(Participant, Participant.round_id == Round.id)
        .join(RoundProblem, RoundProblem.round_id == Round.id)
        .where(
            Round.id == bindparam("round_id"),
            Participant.id == bindparam("participant_id"),
            RoundProblem.challenge_id == bindparam("challenge_id"),
        )
    )
    if with_rows:
        query = query.join(ScoreRow, ScoreRow.participant_id == Participant.id)
    locks = [RoundProblem, ScoreRow] if with_rows else [RoundProblem]
    return query.with_for_update(of=locks)


# Built once: building and keying a statement costs a verdict more than running it.
_LOCKING = {True: _locking(True), False: _locking(False)}
_PARTICIPANT_AT = len(_ROUND)
_PROBLEM_AT = _PARTICIPANT_AT + len(_PARTICIPANT)
_ROW_AT = _PROBLEM_AT + len(_PROBLEM)
_ROWS_LOCKED = (
    select(*_ROW).where(ScoreRow.participant_id == bindparam("participant_id")).with_for_update()
)
_ROW_WRITE = _TABLE.update().where(_TABLE.c.id == bindparam("row_id"))
_PROBLEM_WRITE = _PROBLEMS.update().where(_PROBLEMS.c.id == bindparam("problem_id"))


def _cells_written(rules: Rules, participant_id: int, problem: Problem, values: dict[str, Cell],
                   stored: dict[str, Stored]) -> tuple[list[dict[str, Any]], dict[str, Any]]:  # fmt: skip
    """The writes of one problem's cell into the participant's (locked) row of each audience
    where it changed, and the problem's solved / tried counts after them."""
    counts = dict(problem.counts or {})
    writes = []
    for audience, value in values.items():
        cells = dict(stored[audience].data.get("cells", {}))
        before = Cell.from_dict(cells[problem.label]) if problem.label in cells else Cell()
        counts[audience] = _count(counts.get(audience, [0, 0]), before, value)
        shown = value.stored()
        if cells.get(problem.label) == shown:
            continue
        cells[problem.label] = shown
        totals = row(participant_id, (Cell.from_dict(c) for c in cells.values()), rules.mode)
        writes.append({"row_id": stored[audience].id, "data": {"cells": cells}, **totals.as_dict()})
    return writes, counts


def _rows_for_update(
    connection: Connection, round_id: int, participant_id: int
) -> dict[str, Stored]:
    """The participant's rows, locked, made first if missing (two first verdicts of one team at
    once both find them: a conflicting insert does nothing, and both then lock the same rows)."""

    def locked() -> dict[str, Stored]:
        return {r.audience: r for r in (Stored(*f) for f in connection.execute(
            _ROWS_LOCKED, {"participant_id": participant_id}))}  # fmt: skip

    stored = locked()
    if len(stored) < len(AUDIENCES):
        insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
        connection.execute(insert(ScoreRow).values([
            {"round_id": round_id, "participant_id": participant_id, "audience": audience,
             "data": {"cells": {}}}
            for audience in AUDIENCES if audience not in stored
        ]).on_conflict_do_nothing())  # fmt: skip
        stored = locked()
    return stored


def _expire(session: Session, model: type[Any], ids: list[int]) -> None:
    for key in ids:
        found = session.identity_map.get(session.identity_key(model, key))
        if found is not None:
            session.expire(found)


def totals_of(stored: ScoreRow | Any) -> Row:
    """A stored row's totals (a ScoreRow, or a result row with the same columns)."""
    return Row(stored.participant_id, stored.solved, stored.time, stored.last_accept,
               stored.score, stored.last_improvement)  # fmt: skip


def _tried(value: Cell) -> bool:
    return bool(value.judged or value.pending)


def _count(before_counts: list[int], before: Cell, after: Cell) -> list[int]:
    """A problem's [solved, tried] count of one audience as one cell changes."""
    solved, tried = before_counts
    solved += int(after.solved) - int(before.solved)
    tried += int(_tried(after)) - int(_tried(before))
    return [solved, tried]


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """A full recompute makes some 300,000 short-lived tuples, none in a reference cycle: the
    cyclic collector would walk them again and again for nothing (a third of the time). It is
    switched back on after, unless it was off already (another recompute running)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def rebuild(round_: Round, now: datetime | None = None) -> None:
    """Recompute the whole cache of a round from its submissions (the caller commits)."""
    del now
    with _without_cycle_collection():
        _rebuild(round_)


def _rebuild(round_: Round) -> None:
    # The problems are locked first, as refresh locks its problem before its rows.
    problems = list(db.session.scalars(
        select(RoundProblem).where(RoundProblem.round_id == round_.id)
        .order_by(RoundProblem.position).with_for_update()
        .execution_options(populate_existing=True)))  # fmt: skip
    db.session.execute(delete(ScoreRow).where(ScoreRow.round_id == round_.id))
    rules = rules_of(round_)
    thawed = round_.thawed_at is not None
    labels = [p.label for p in problems]
    tally = {audience: {label: [0, 0] for label in labels} for audience in AUDIENCES}
    marked: dict[str, dict[str, list[Attempt]]] = {
        a: {label: [] for label in labels} for a in AUDIENCES
    }
    rows: list[dict[str, Any]] = []
    for clock, attempts in all_attempts(round_):
        if not attempts:
            continue  # as the incremental path: a row appears with the first submission
        sent_on: dict[str, list[Attempt]] = {}
        for attempt in attempts:
            sent_on.setdefault(attempt.problem, []).append(attempt)
        # Each cell once from every attempt; an audience's own only where it hides something.
        plain = {label: cell(sent_on[label], rules, label) for label in labels if label in sent_on}
        for audience, viewer in AUDIENCES.items():
            cells: dict[str, Cell] = {}
            for label, value in plain.items():
                seen = sent_on[label]
                if any(hidden(a, clock.freeze, viewer, thawed) for a in seen):
                    seen = visible(seen, freeze_seconds=clock.freeze, viewer=viewer, thawed=thawed)
                    value = cell(seen, rules, label)
                cells[label] = value
                if not clock.virtual:  # not on the official board: no count, no mark
                    tally[audience][label][0] += int(value.solved)
                    tally[audience][label][1] += int(_tried(value))
                    marked[audience][label] += [a for a in seen if marks.decisive(a, rules)]
            totals = row(clock.id, cells.values(), rules.mode)
            rows.append({"round_id": round_.id, "participant_id": clock.id, "audience": audience,
                         "data": {"cells": {k: v.stored() for k, v in cells.items()}},
                         **totals.as_dict()})  # fmt: skip
    if rows:
        db.session.connection().execute(_TABLE.insert(), rows)
    for problem in problems:
        problem.counts = {audience: tally[audience][problem.label] for audience in AUDIENCES}
        problem.firsts = {audience: marks.of_attempts(marked[audience][problem.label], rules,
                                                      problem.label)
                          for audience in AUDIENCES}  # fmt: skip
