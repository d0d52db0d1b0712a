"""The score cache: one ScoreRow per (participant, audience) holding its totals and cells.

A finished judgement (a Judged event, in the recording transaction) recomputes one cell and
one row per audience; a new submission in a round does the same, so the board shows it
pending at once. `rebuild` recomputes a round from its submissions: after a thaw, an edit,
or by hand; tests compare the two. What a viewer reads is decided in app/scoring/views.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.judging.verdicts import GroupRule, group_points
from app.models import Judgement, Participant, Round, RoundProblem, ScoreRow, Submission, TestResult
from app.scoring.cells import cell
from app.scoring.freeze import PUBLIC, STAFF, Viewer, visible
from app.scoring.standings import first_to_solve, row
from app.scoring.types import Attempt, Cell, Row, Rules
from app.scoring.windows import start_of, window_of

AUDIENCES: dict[str, Viewer] = {"jury": STAFF, "public": PUBLIC}


def rules_of(round_: Round) -> Rules:
    """A round's scoring rules (windows were enforced when submissions came in)."""
    return Rules(round_.scoring, round_.penalty_minutes, round_.ce_penalty,  # type: ignore[arg-type]
                 points={p.label: p.points for p in round_.problems})  # fmt: skip


def freeze_seconds(round_: Round, participant: Participant) -> float | None:
    """The freeze on this participant's own clock (a virtual one freezes at the same minute)."""
    if round_.freeze_at is None:
        return None
    if participant.virtual:
        return (round_.freeze_at - round_.starts_at).total_seconds()
    return (round_.freeze_at - start_of(round_, participant)).total_seconds()


@dataclass(frozen=True)
class Sent:
    """What scoring reads of one submission: who sent what when, and the judgement that
    counts (the newest finished one), as plain columns."""

    id: int
    participant_id: int | None
    challenge_id: int
    created_at: datetime
    judgement_id: int | None
    status: str | None
    verdict: str | None  # the verdict shown (a staff override, if any)
    score: float


def attempt_of(round_: Round, participant: Participant, label: str, sent: Sent,
               groups: list[GroupRule] | None = None) -> Attempt:  # fmt: skip
    """A submission as scoring sees it: its newest finished judgement counts (IE: pending)."""
    verdict = None if sent.judgement_id is None or sent.status == "failed" else sent.verdict
    at = (sent.created_at - start_of(round_, participant)).total_seconds()
    window = window_of(round_, participant)
    credit = (window.credit_at(sent.created_at) if window else None) or 0.0
    subtasks: tuple[float, ...] = ()
    if sent.judgement_id is not None and groups:
        subtasks = _subtasks(sent.judgement_id, groups)
    return Attempt(sent.id, participant.id, label, at, verdict, sent.score, subtasks, credit)


def _subtasks(judgement_id: int, groups: list[GroupRule]) -> tuple[float, ...]:
    """Points per subtask this judgement earned (of 100 in all), by each group's aggregation:
    pass-fail groups whose tests all passed, sum groups per passed test (verdicts.group_points)."""
    total = sum(group.points for group in groups) or 1.0
    results = db.session.execute(select(TestResult.group, TestResult.verdict).where(
        TestResult.judgement_id == judgement_id)).all()  # fmt: skip
    failed = {name for name, verdict in results if verdict != "AC"}
    passed: dict[str, int] = {}
    for name, verdict in results:
        passed[name] = passed.get(name, 0) + (verdict == "AC")
    earned = [
        group_points(g, passed.get(g.name, 0), g.size) if g.aggregation == "sum"
        else (0.0 if g.name in failed else g.points)
        for g in groups
    ]  # fmt: skip
    return tuple(100.0 * points / total for points in earned)


def _groups(problem: RoundProblem) -> list[GroupRule] | None:
    challenge = problem.challenge
    groups = sorted(challenge.groups, key=lambda g: g.position)
    sizes: dict[int, int] = {}
    for test in challenge.tests:
        if test.group_id is not None:
            sizes[test.group_id] = sizes.get(test.group_id, 0) + 1
    return [
        GroupRule(g.name, g.points, challenge.aggregation_of(g.name), sizes.get(g.id, 0))
        for g in groups
    ] or None


def _submissions(round_: Round, *where: ColumnElement[bool]) -> list[Sent]:
    """The round's real submissions (and more conditions), in order, as one column query."""
    rows = db.session.execute(
        select(
            Submission.id,
            Submission.participant_id,
            Submission.challenge_id,
            Submission.created_at,
            Judgement.id,
            Judgement.status,
            Judgement.verdict,
            Judgement.override_verdict,
            Judgement.score,
        )  # fmt: skip
        # Every judgement, the unfinished ones skipped below: a status test in the join lets
        # the planner combine two indexes per submission, quadratic on a table without stats.
        .outerjoin(Judgement, Judgement.submission_id == Submission.id)
        .where(Submission.round_id == round_.id, Submission.kind == "submit", *where)
        .order_by(Submission.id, Judgement.id)
    )
    latest: dict[int, Sent] = {}
    for sid, pid, cid, created, jid, status, verdict, override, score in rows:
        # Ordered by judgement id: the newest finished judgement of each submission wins.
        if status in ("done", "failed"):
            latest[sid] = Sent(sid, pid, cid, created, jid, status, override or verdict, score)
        elif sid not in latest:
            latest[sid] = Sent(sid, pid, cid, created, None, None, None, 0.0)
    return list(latest.values())


def cell_attempts(round_: Round, participant: Participant, problem: RoundProblem) -> list[Attempt]:
    """Every attempt of one participant on one problem."""
    groups = _groups(problem) if round_.scoring == "ioi" else None
    return [
        attempt_of(round_, participant, problem.label, submission, groups)
        for submission in _submissions(
            round_,
            Submission.participant_id == participant.id,
            Submission.challenge_id == problem.challenge_id,
        )  # fmt: skip
    ]


def refresh(submission: Submission) -> None:
    """Recompute the cell (and row) a round submission belongs to, for both audiences, in the
    caller's transaction."""
    if submission.round_id is None or submission.participant_id is None:
        return
    round_ = db.session.get(Round, submission.round_id)
    participant = db.session.get(Participant, submission.participant_id)
    if round_ is None or participant is None:
        return
    problem = next((p for p in round_.problems if p.challenge_id == submission.challenge_id), None)
    if problem is None:
        return
    # The rows are locked before the attempts are read: two verdicts of one participant at once
    # then run one after the other, the second reading the first's (committed) result.
    stored = _rows_for_update(round_, participant.id)
    # Then the problem (its counts and first-to-solve marks), always in this order: verdicts of
    # one problem from different participants update its counts one after the other.
    db.session.refresh(problem, with_for_update=True)
    attempts = cell_attempts(round_, participant, problem)
    rules = rules_of(round_)
    thawed = round_.thawed_at is not None
    freeze = freeze_seconds(round_, participant)
    values = {
        audience: cell(visible(attempts, freeze_seconds=freeze, viewer=viewer, thawed=thawed),
                       rules, problem.label)
        for audience, viewer in AUDIENCES.items()
    }  # fmt: skip
    _store_cells(round_, participant.id, problem, values, stored)
    _refresh_first(round_, problem, attempts, rules)


def _store_cells(round_: Round, participant_id: int, problem: RoundProblem,
                 values: dict[str, Cell], stored: dict[str, ScoreRow]) -> None:  # fmt: skip
    """Write one problem's cell into the participant's (locked) row of each audience."""
    mode = rules_of(round_).mode
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
    _set_firsts(round_, problem, problem_attempts(round_, problem), rules)
    return any(firsts.get(audience) != problem.firsts.get(audience) for audience in AUDIENCES)


def problem_attempts(
    round_: Round, problem: RoundProblem
) -> list[tuple[Participant, list[Attempt]]]:
    """Every attempt on one problem, by participant (virtual ones are not ranked for marks)."""
    participants = {p.id: p for p in round_.participants if not p.virtual}
    grouped: dict[int, list[Attempt]] = {}
    groups = _groups(problem) if round_.scoring == "ioi" else None
    for submission in _submissions(round_, Submission.challenge_id == problem.challenge_id):
        participant = participants.get(submission.participant_id or 0)
        if participant is not None:
            grouped.setdefault(participant.id, []).append(
                attempt_of(round_, participant, problem.label, submission, groups)
            )
    return [(participants[pid], items) for pid, items in grouped.items()]


def all_attempts(
    round_: Round, language: str | None = None
) -> list[tuple[Participant, list[Attempt]]]:
    """Every attempt of the round by participant (optionally in one language only)."""
    participants = {p.id: p for p in round_.participants}
    labels = {p.challenge_id: p for p in round_.problems}
    groups = {
        p.challenge_id: _groups(p) if round_.scoring == "ioi" else None for p in round_.problems
    }
    where: list[ColumnElement[bool]] = [Submission.language == language] if language else []
    grouped: dict[int, list[Attempt]] = {pid: [] for pid in participants}
    for submission in _submissions(round_, *where):
        participant = participants.get(submission.participant_id or 0)
        problem = labels.get(submission.challenge_id)
        if participant is not None and problem is not None:
            grouped[participant.id].append(attempt_of(round_, participant, problem.label,
                                                      submission, groups[problem.challenge_id]))  # fmt: skip
    return [(participants[pid], items) for pid, items in grouped.items()]


def rebuild(round_: Round, now: datetime | None = None) -> None:
    """Recompute the whole cache of a round from its submissions (the caller commits)."""
    del now
    db.session.execute(delete(ScoreRow).where(ScoreRow.round_id == round_.id))
    rules = rules_of(round_)
    thawed = round_.thawed_at is not None
    everything = all_attempts(round_)
    tally = {audience: {p.label: [0, 0] for p in round_.problems} for audience in AUDIENCES}
    for participant, attempts in everything:
        if not attempts:
            continue  # as the incremental path: a row appears with the first submission
        freeze = freeze_seconds(round_, participant)
        for audience, viewer in AUDIENCES.items():
            seen = visible(attempts, freeze_seconds=freeze, viewer=viewer, thawed=thawed)
            tried = {a.problem for a in seen}
            cells = {p.label: cell([a for a in seen if a.problem == p.label], rules, p.label)
                     for p in round_.problems if p.label in tried}  # fmt: skip
            stored = ScoreRow(round_id=round_.id, participant_id=participant.id, audience=audience,
                              data={"cells": {k: v.as_dict() for k, v in cells.items()}})  # fmt: skip
            set_totals(stored, row(participant.id, cells.values(), rules.mode))
            db.session.add(stored)
            for label, value in cells.items():
                tally[audience][label][0] += int(value.solved)
                tally[audience][label][1] += int(_tried(value))
    for problem in round_.problems:
        problem.counts = {audience: tally[audience][problem.label] for audience in AUDIENCES}
        on_problem = [(p, [a for a in items if a.problem == problem.label])
                      for p, items in everything if not p.virtual]  # fmt: skip
        _set_firsts(round_, problem, on_problem, rules)


def _set_firsts(round_: Round, problem: RoundProblem, attempts: list[tuple[Participant, list[Attempt]]],
                rules: Rules) -> None:  # fmt: skip
    firsts = {}
    for audience, viewer in AUDIENCES.items():
        seen: list[Attempt] = []
        for participant, items in attempts:
            seen += visible(items, freeze_seconds=freeze_seconds(round_, participant), viewer=viewer,
                            thawed=round_.thawed_at is not None)  # fmt: skip
        first = first_to_solve(seen, rules, [problem.label])[problem.label]
        hit = next((a for a in seen if a.submission_id == first), None)
        firsts[audience] = ({"id": hit.submission_id, "at": hit.at_seconds,
                             "participant_id": hit.participant_id} if hit else None)  # fmt: skip
    problem.firsts = firsts
