"""The score cache: one ScoreRow per (participant, audience) holding its totals and cells.

A finished judgement (a Judged event, in the recording transaction) recomputes one cell and
one row per audience; a new submission in a round does the same, so the board shows it
pending at once. `rebuild` recomputes a round from its submissions: after a thaw, an edit,
or by hand; tests compare the two. What a viewer reads is decided in app/scoring/boards.py; what is read, in attempts.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import Participant, Round, RoundProblem, ScoreRow, Submission
from app.scoring.attempts import (
    all_attempts,
    cell_attempts,
    clock_of,
    earliest_attempts,
    problem_attempts,
    rules_of,
)
from app.scoring.cells import cell
from app.scoring.freeze import PUBLIC, STAFF, Viewer, visible
from app.scoring.standings import first_to_solve, row
from app.scoring.types import Attempt, Cell, Row, Rules

AUDIENCES: dict[str, Viewer] = {"jury": STAFF, "public": PUBLIC}


def refresh(submission: Submission) -> None:
    """Recompute the cell (and row) a round submission belongs to, for both audiences, in the
    caller's transaction."""
    if submission.round_id is None or submission.participant_id is None:
        return
    # One query for the round, the participant, the problem and the participant's rows, locked
    # in that order: verdicts on one problem run one after the other (its counts and marks), and
    # two verdicts of one participant too, the second reading the first's result. Rebuild locks
    # the problems before the rows as well.
    found = _locked(submission, with_rows=True)
    if len(found) == len(AUDIENCES):
        round_, participant, problem, _ = found[0]
        stored = {r[3].audience: r[3] for r in found}
    else:  # the participant's first submission: no rows yet
        first = _locked(submission, with_rows=False)
        if not first:
            return
        round_, participant, problem = first[0]
        stored = _rows_for_update(round_, participant.id)
    clock = clock_of(round_, participant)
    attempts = cell_attempts(round_, clock, problem)
    rules = Rules(round_.scoring, round_.penalty_minutes, round_.ce_penalty,
                  points={problem.label: problem.points})  # fmt: skip
    thawed = round_.thawed_at is not None
    values = {
        audience: cell(visible(attempts, freeze_seconds=clock.freeze, viewer=viewer, thawed=thawed),
                       rules, problem.label)
        for audience, viewer in AUDIENCES.items()
    }  # fmt: skip
    _store_cells(rules, participant.id, problem, values, stored)
    _refresh_first(round_, problem, attempts, rules)


def _locking(with_rows: bool) -> Any:
    query = (
        select(Round, Participant, RoundProblem, *([ScoreRow] if with_rows else []))
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
    return query.with_for_update(of=locks).execution_options(populate_existing=True)


# Built once: building and keying a statement costs a verdict more than running it.
_LOCKING = {True: _locking(True), False: _locking(False)}


def _locked(submission: Submission, *, with_rows: bool) -> list[Any]:
    """The submission's round, participant and problem (and that participant's rows), locked."""
    return list(db.session.execute(_LOCKING[with_rows], {
        "round_id": submission.round_id, "participant_id": submission.participant_id,
        "challenge_id": submission.challenge_id}))  # fmt: skip


def _store_cells(rules: Rules, participant_id: int, problem: RoundProblem,
                 values: dict[str, Cell], stored: dict[str, ScoreRow]) -> None:  # fmt: skip
    """Write one problem's cell into the participant's (locked) row of each audience."""
    mode = rules.mode
    for audience, value in values.items():
        row_of = stored[audience]
        cells = dict(row_of.data.get("cells", {}))
        before = Cell.from_dict(cells[problem.label]) if problem.label in cells else Cell()
        cells[problem.label] = value.as_dict()
        set_totals(row_of, row(participant_id, (Cell.from_dict(c) for c in cells.values()), mode))
        row_of.data = {"cells": cells}  # a new object: JSON change tracked
        _count(problem, audience, before, value)


def _rows_for_update(round_: Round, participant_id: int) -> dict[str, ScoreRow]:
    """The participant's rows, locked, made first if missing (two first verdicts of one team at
    once both find them: a conflicting insert does nothing, and both then lock the same rows)."""

    def locked() -> dict[str, ScoreRow]:
        return {r.audience: r for r in db.session.scalars(
            select(ScoreRow).where(ScoreRow.participant_id == participant_id)
            .with_for_update().execution_options(populate_existing=True))}  # fmt: skip

    stored = locked()
    if len(stored) < len(AUDIENCES):
        dialect = db.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        db.session.execute(insert(ScoreRow).values([
            {"round_id": round_.id, "participant_id": participant_id, "audience": audience,
             "data": {"cells": {}}}
            for audience in AUDIENCES if audience not in stored
        ]).on_conflict_do_nothing())  # fmt: skip
        stored = locked()
    return stored


def set_totals(stored: ScoreRow, totals: Row) -> None:
    """A row's totals into its columns."""
    stored.solved, stored.time, stored.last_accept = totals.solved, totals.time, totals.last_accept
    stored.score, stored.last_improvement = totals.score, totals.last_improvement


def totals_of(stored: ScoreRow | Any) -> Row:
    """A stored row's totals (a ScoreRow, or a result row with the same columns)."""
    return Row(stored.participant_id, stored.solved, stored.time, stored.last_accept,
               stored.score, stored.last_improvement)  # fmt: skip


def _tried(value: Cell) -> bool:
    return bool(value.judged or value.pending)


def _count(problem: RoundProblem, audience: str, before: Cell, after: Cell) -> None:
    """Keep the problem's solved / tried counts as one cell changes."""
    counts = dict(problem.counts or {})
    solved, tried = counts.get(audience, [0, 0])
    solved += int(after.solved) - int(before.solved)
    tried += int(_tried(after)) - int(_tried(before))
    counts[audience] = [solved, tried]
    problem.counts = counts


def _refresh_first(
    round_: Round, problem: RoundProblem, touched: list[Attempt], rules: Rules
) -> bool:
    """Recompute a problem's first-to-solve marks when this cell could move them: unless the
    mark is settled earlier than every attempt here, it may change."""
    firsts = dict(problem.firsts or {})
    earliest = min((a.at_seconds for a in touched), default=None)
    ids = {a.submission_id for a in touched}
    settled = [firsts.get(audience) for audience in AUDIENCES]
    if earliest is not None and all(
        mark and mark["id"] not in ids and mark["at"] < earliest for mark in settled
    ):
        return False
    problem.firsts = _marks(round_, problem, rules)
    return any(firsts.get(audience) != problem.firsts.get(audience) for audience in AUDIENCES)


# Attempts read at a time while looking for a problem's first solve from the earliest on.
MARK_PAGE = 64


def _marks(round_: Round, problem: RoundProblem, rules: Rules) -> dict[str, Any]:
    """A problem's first-to-solve mark per audience. Where everyone ranked starts with the
    round, the earliest attempts decide (the first accepted one, unless a pending one comes
    before it): pages are read from the first sent until each audience's mark is decided. In
    a timed round each clock starts at its own Start: every attempt is read."""
    thawed = round_.thawed_at is not None
    seen: dict[str, list[Attempt]] = {audience: [] for audience in AUDIENCES}
    if round_.mode == "timed":
        for clock, items in problem_attempts(round_, problem):
            for audience, viewer in AUDIENCES.items():
                seen[audience] += visible(items, freeze_seconds=clock.freeze, viewer=viewer,
                                          thawed=thawed)  # fmt: skip
    else:
        offset, last = 0, False
        while not last and not all(_decided(seen[a], rules) for a in AUDIENCES):
            page, last = earliest_attempts(round_, problem, offset, MARK_PAGE)
            offset += MARK_PAGE
            for clock, attempt in page:
                for audience, viewer in AUDIENCES.items():
                    seen[audience] += visible([attempt], freeze_seconds=clock.freeze,
                                              viewer=viewer, thawed=thawed)  # fmt: skip
    return {audience: _mark(seen[audience], rules, problem.label) for audience in AUDIENCES}


def _decided(seen: list[Attempt], rules: Rules) -> bool:
    """Whether later attempts can no longer change the first solve among these (read in time
    order): one of them is accepted, or pending (which holds the mark back)."""
    return any(a.pending or a.verdict == "AC" or (rules.mode != "icpc" and a.score >= 100)
               for a in seen)  # fmt: skip


def _mark(seen: list[Attempt], rules: Rules, label: str) -> dict[str, Any] | None:
    """A problem's first-to-solve mark from the attempts one audience sees on it."""
    first = first_to_solve(seen, rules, [label])[label]
    hit = next((a for a in seen if a.submission_id == first), None)
    if hit is None:
        return None
    return {"id": hit.submission_id, "at": hit.at_seconds, "participant_id": hit.participant_id}


def rebuild(round_: Round, now: datetime | None = None) -> None:
    """Recompute the whole cache of a round from its submissions (the caller commits)."""
    del now
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
        for audience, viewer in AUDIENCES.items():
            by_label: dict[str, list[Attempt]] = {}
            for attempt in visible(
                attempts, freeze_seconds=clock.freeze, viewer=viewer, thawed=thawed
            ):
                by_label.setdefault(attempt.problem, []).append(attempt)
            cells = {
                label: cell(by_label[label], rules, label) for label in labels if label in by_label
            }
            totals = row(clock.id, cells.values(), rules.mode)
            rows.append({"round_id": round_.id, "participant_id": clock.id, "audience": audience,
                         "data": {"cells": {k: v.as_dict() for k, v in cells.items()}},
                         **totals.as_dict()})  # fmt: skip
            for label, value in cells.items():
                tally[audience][label][0] += int(value.solved)
                tally[audience][label][1] += int(_tried(value))
                if not clock.virtual:  # virtual participants are not ranked for marks
                    marked[audience][label] += by_label[label]
    if rows:
        db.session.execute(insert(ScoreRow), rows)
    for problem in problems:
        problem.counts = {audience: tally[audience][problem.label] for audience in AUDIENCES}
        problem.firsts = {audience: _mark(marked[audience][problem.label], rules, problem.label)
                          for audience in AUDIENCES}  # fmt: skip
