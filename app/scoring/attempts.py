"""What scoring reads: a round's submissions as attempts, each on its participant's clock.

Every read is a column query (no ORM objects per submission) and a participant's clock, window
and freeze are worked out once per participant, not once per submission: a full recompute of
100,000 submissions and one verdict's cell both go through here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from sqlalchemy import ColumnElement, bindparam, func, select

from app.extensions import db
from app.judging.group_dependencies import blocked, unpassed
from app.judging.verdicts import GroupRule, group_points
from app.models import (
    Challenge,
    Judgement,
    Participant,
    Round,
    Submission,
    TestCase,
    TestGroup,
    TestResult,
)
from app.models.challenge import secret_aggregation
from app.scoring.types import Attempt, Rules
from app.scoring.validator_scores import rescored, scored_tests
from app.scoring.windows import Schedule, Timed, Window, start_of, window_of


class Scored(Schedule, Protocol):
    """What reading attempts depends on of a round (a Round, or its locked columns)."""

    @property
    def id(self) -> int: ...
    @property
    def scoring(self) -> str: ...
    @property
    def thawed_at(self) -> datetime | None: ...


class Labelled(Protocol):
    """A problem of a round as reading its attempts needs it (a RoundProblem, or its columns)."""

    @property
    def challenge_id(self) -> int: ...
    @property
    def label(self) -> str: ...


def rules_of(round_: Round) -> Rules:
    """A round's scoring rules (windows were enforced when submissions came in)."""
    return Rules(round_.scoring, round_.penalty_minutes, round_.ce_penalty,  # type: ignore[arg-type]
                 points={p.label: p.points for p in round_.problems})  # fmt: skip


def freeze_seconds(round_: Schedule, participant: Timed) -> float | None:
    """The freeze on this participant's own clock (a virtual one freezes at the same minute)."""
    if round_.freeze_at is None:
        return None
    if participant.virtual:
        return (round_.freeze_at - round_.starts_at).total_seconds()
    return (round_.freeze_at - start_of(round_, participant)).total_seconds()


@dataclass(frozen=True)
class Clocked:
    """The columns of a participant that their clock depends on."""

    id: int
    virtual: bool
    started_at: datetime | None
    extra_minutes: int


@dataclass(frozen=True)
class Clock:
    """A participant as scoring sees them: where their time 0 is, their window, their freeze."""

    id: int
    virtual: bool
    start: datetime
    window: Window | None
    freeze: float | None  # seconds from their start; None without a freeze


def clock_of(round_: Schedule, participant: Participant | Clocked) -> Clock:
    return Clock(participant.id, participant.virtual, start_of(round_, participant),
                 window_of(round_, participant), freeze_seconds(round_, participant))  # fmt: skip


def clocks(round_: Scored, *where: ColumnElement[bool]) -> dict[int, Clock]:
    """The clocks of a round's participants (and more conditions), from four columns."""
    rows = db.session.execute(
        select(
            Participant.id, Participant.virtual, Participant.started_at, Participant.extra_minutes
        )  # fmt: skip
        .where(Participant.round_id == round_.id, *where)
        .order_by(Participant.id)
    )
    return {row[0]: clock_of(round_, Clocked(*row)) for row in rows}


class Sent(NamedTuple):
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


def attempt_of(clock: Clock, label: str, sent: Sent, subtasks: tuple[float, ...] = ()) -> Attempt:
    """A submission as scoring sees it: its newest finished judgement counts (IE: pending)."""
    verdict = None if sent.judgement_id is None or sent.status == "failed" else sent.verdict
    at = (sent.created_at - clock.start).total_seconds()
    credit = (clock.window.credit_at(sent.created_at) if clock.window else None) or 0.0
    return Attempt(sent.id, clock.id, label, at, verdict, sent.score, subtasks, credit)


_SENT = (
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
    .where(Submission.round_id == bindparam("round_id"), Submission.kind == "submit")
    .order_by(Submission.id, Judgement.id)
)
# One verdict's cell: built once, as building and keying a statement costs more than running it.
CELL = _SENT.where(Submission.participant_id == bindparam("participant_id"),
                    Submission.challenge_id == bindparam("challenge_id"))  # fmt: skip


def submissions(round_id: int, *where: ColumnElement[bool]) -> list[Sent]:
    """The round's real submissions (and more conditions), in order, as one column query."""
    # Core on the session's connection (flushed first, as the ORM would): no ORM row handling
    # for the 100,000 rows of a full recompute.
    db.session.flush()
    rows = db.session.connection().execute(_SENT.where(*where), {"round_id": round_id}).all()
    return _latest(rows)


def cell_submissions(round_id: int, participant_id: int, challenge_id: int) -> list[Sent]:
    """One participant's real submissions on one problem, in order."""
    # On the session's connection: a Core read, in the verdict's transaction (flushed by then).
    return _latest(db.session.connection().execute(CELL, {
        "round_id": round_id, "participant_id": participant_id, "challenge_id": challenge_id}))  # fmt: skip


def _latest(rows: Iterable[Any]) -> list[Sent]:
    latest: dict[int, Sent] = {}
    for sid, pid, cid, created, jid, status, verdict, override, score in rows:
        # Ordered by judgement id: the newest finished judgement of each submission wins.
        if status in ("done", "failed"):
            latest[sid] = Sent(sid, pid, cid, created, jid, status, override or verdict, score)
        elif sid not in latest:
            latest[sid] = Sent(sid, pid, cid, created, None, None, None, 0.0)
    return list(latest.values())


Groups = list[GroupRule]


def groups_of(challenge_ids: Iterable[int]) -> dict[int, Groups]:
    """Each challenge's subtasks in order, with their aggregation and size; challenges without
    any are left out."""
    ids = list(challenge_ids)
    sizes: dict[int, int] = {}
    for group_id, count in db.session.execute(
        select(TestCase.group_id, func.count()).where(
            TestCase.challenge_id.in_(ids), TestCase.group_id.is_not(None)
        ).group_by(TestCase.group_id)
    ):  # fmt: skip
        sizes[group_id] = count
    meta = dict(
        db.session.execute(
            select(Challenge.id, Challenge.package_meta).where(Challenge.id.in_(ids))
        )
        .tuples()
        .all()
    )
    found: dict[int, Groups] = {}
    for gid, cid, name, points in db.session.execute(
        select(TestGroup.id, TestGroup.challenge_id, TestGroup.name, TestGroup.points)
        .where(TestGroup.challenge_id.in_(ids))
        .order_by(TestGroup.challenge_id, TestGroup.position, TestGroup.id)
    ):  # fmt: skip
        aggregation = ((meta.get(cid) or {}).get("group_aggregation") or {}).get(name, "pass-fail")
        requires = tuple(((meta.get(cid) or {}).get("group_require_pass") or {}).get(name, ()))
        found.setdefault(cid, []).append(
            GroupRule(name, points, aggregation, sizes.get(gid, 0), requires)
        )
    # Not subtasks: a pass-fail problem's groups (no points), and groups under a pass-fail
    # data/secret (the whole problem scores all or nothing): such a problem's judgement score
    # is its only one, as verdicts.score gives it.
    return {
        cid: rules
        for cid, rules in found.items()
        if sum(rule.points for rule in rules) > 0
        and secret_aggregation(meta.get(cid)) != "pass-fail"
    }


def subtasks_of(sent: list[Sent], groups: dict[int, Groups]) -> dict[int, tuple[float, ...]]:
    """Points per subtask (of 100 in all) each judged submission earned, by each group's
    aggregation: a pass-fail group whose tests all passed, a sum group per passed test
    (verdicts.group_points), none for a group whose require_pass groups were not all passed.
    One query for all of them."""
    judged = {
        s.judgement_id: s for s in sent if s.judgement_id is not None and s.challenge_id in groups
    }
    if not judged:
        return {}
    failed: dict[int, set[str]] = {}
    passed: dict[tuple[int, str], int] = {}
    ran: dict[int, list[tuple[str, str]]] = {}  # for require_pass
    for jid, group, verdict in db.session.execute(
        select(TestResult.judgement_id, TestResult.group, TestResult.verdict)
        .where(TestResult.judgement_id.in_(list(judged)))
    ):  # fmt: skip
        ran.setdefault(jid, []).append((group, verdict))
        if verdict != "AC":
            failed.setdefault(jid, set()).add(group)
        else:
            passed[(jid, group)] = passed.get((jid, group), 0) + 1
    result = {}
    scores = scored_tests(list(judged))
    for jid, s in judged.items():
        mine = groups[s.challenge_id]
        total = sum(g.points for g in mine) or 1.0
        lost = failed.get(jid, set())
        earned = [
            group_points(g, passed.get((jid, g.name), 0), g.size) if g.aggregation == "sum"
            else (0.0 if g.name in lost else g.points)
            for g in mine
        ]  # fmt: skip
        # 2025-09 score.txt: the groups whose tests an output validator scored.
        earned = [rescored(g, e, scores.get((jid, g.name)), passed.get((jid, g.name), 0))
                  for g, e in zip(mine, earned, strict=True)]  # fmt: skip
        # 2025-09 require_pass: a group whose required groups were not all passed scores 0.
        not_passed = unpassed(ran.get(jid, []), {g.name: g.size for g in mine})
        earned = [0.0 if blocked(g.requires, not_passed) else e
                  for g, e in zip(mine, earned, strict=True)]  # fmt: skip
        result[s.id] = tuple(100.0 * points / total for points in earned)
    return result


def attempts_by_participant(
    round_: Scored, clocks_by_id: dict[int, Clock], labels: dict[int, str], sent: list[Sent]
) -> dict[int, list[Attempt]]:
    """The submissions of these participants on these problems (challenge id -> label) as
    attempts, by participant; IOI subtasks read in one query."""
    subtasks: dict[int, tuple[float, ...]] = {}
    if round_.scoring == "ioi":
        subtasks = subtasks_of(sent, groups_of(labels))
    grouped: dict[int, list[Attempt]] = {}
    for s in sent:
        clock = clocks_by_id.get(s.participant_id or 0)
        label = labels.get(s.challenge_id)
        if clock is not None and label is not None:
            grouped.setdefault(clock.id, []).append(
                attempt_of(clock, label, s, subtasks.get(s.id, ()))
            )
    return grouped


def cell_attempts(
    round_: Scored, clock: Clock, problem: Labelled, rows: Iterable[Any] | None = None
) -> list[Attempt]:
    """Every attempt of one participant on one problem (from the rows of CELL when the caller
    read them already)."""
    sent = _latest(rows) if rows is not None else cell_submissions(round_.id, clock.id,
                                                                   problem.challenge_id)  # fmt: skip
    grouped = attempts_by_participant(
        round_, {clock.id: clock}, {problem.challenge_id: problem.label}, sent
    )
    return grouped.get(clock.id, [])


def problem_attempts(round_: Scored, problem: Labelled) -> list[tuple[Clock, list[Attempt]]]:
    """Every attempt on one problem, by participant (virtual ones are not ranked for marks)."""
    sent = submissions(round_.id, Submission.challenge_id == problem.challenge_id)
    who = {s.participant_id for s in sent if s.participant_id is not None}
    on_clock = clocks(round_, Participant.id.in_(who), Participant.virtual.is_(False))
    grouped = attempts_by_participant(round_, on_clock, {problem.challenge_id: problem.label}, sent)
    return [(on_clock[pid], items) for pid, items in grouped.items()]


def earliest_attempts(
    round_: Scored, problem: Labelled, offset: int, size: int
) -> tuple[list[tuple[Clock, Attempt]], bool]:
    """One page of the attempts on a problem in the order they were sent, by ranked (not
    virtual) participants, and whether it was the last page. In time order on every clock only
    where every ranked clock starts with the round (not in a timed round)."""
    page = (
        select(Submission.id)
        .where(
            Submission.round_id == round_.id,
            Submission.kind == "submit",
            Submission.challenge_id == problem.challenge_id,
        )  # fmt: skip
        .order_by(Submission.created_at, Submission.id)
        .offset(offset)
        .limit(size)
    )
    sent = sorted(
        submissions(round_.id, Submission.id.in_(page)), key=lambda s: (s.created_at, s.id)
    )
    who = {s.participant_id for s in sent if s.participant_id is not None}
    on_clock = (
        clocks(round_, Participant.id.in_(who), Participant.virtual.is_(False)) if who else {}
    )
    found = [
        (on_clock[s.participant_id], attempt_of(on_clock[s.participant_id], problem.label, s))
        for s in sent
        if s.participant_id in on_clock
    ]
    return found, len(sent) < size


def all_attempts(round_: Round, language: str | None = None) -> list[tuple[Clock, list[Attempt]]]:
    """Every attempt of the round by participant, every participant listed (optionally in one
    language only)."""
    on_clock = clocks(round_)
    labels = {p.challenge_id: p.label for p in round_.problems}
    where: list[ColumnElement[bool]] = [Submission.language == language] if language else []
    grouped = attempts_by_participant(round_, on_clock, labels, submissions(round_.id, *where))
    return [(clock, grouped.get(pid, [])) for pid, clock in on_clock.items()]
