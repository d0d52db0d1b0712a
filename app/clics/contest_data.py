"""One read of a round's rows (teams, members, submissions, judgements, runs), and what of
them each role may see: the one place the CLICS endpoints and the event feed filter.

The freeze rule is scoring's (app/scoring/freeze.py `hidden`): a judgement (and its runs) of a
submission made at or after the freeze is embargoed for the public and for every team but the
one that sent it, until the thaw. Submissions themselves are public (the board shows them
pending); their files are the jury's and the sending team's. The problems are the jury's
until the start.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import defer, load_only

from app.clics import objects
from app.clics.groups import imported
from app.clics.ids import Ids, judgement_id, submission_id
from app.clics.roles import Role
from app.contests.clarification_sight import JURY as CLAR_JURY
from app.contests.clarification_sight import PUBLIC as CLAR_PUBLIC
from app.contests.clarification_sight import Viewer as ClarViewer
from app.contests.clarifications import clics_clarifications
from app.extensions import db
from app.models import (
    Clarification,
    Enrollment,
    Judgement,
    Participant,
    ParticipantMember,
    Round,
    Submission,
    TestResult,
    User,
)
from app.scoring.attempts import freeze_seconds
from app.scoring.boards import clics_group_id
from app.scoring.freeze import hidden
from app.scoring.types import Attempt
from app.scoring.windows import start_of


@dataclass
class ContestData:
    """A round's rows, read once for one answer."""

    round: Round
    labels: dict[int, str]  # challenge id -> problem label
    participants: dict[int, Participant]
    members: dict[int, list[User]]  # participant id -> users
    sections: dict[int, str]  # user id -> course section
    submissions: list[Submission]
    ids: Ids
    judgements: dict[int, list[Judgement]] = field(default_factory=dict)  # by submission id
    runs: dict[int, list[TestResult]] = field(default_factory=dict)  # by judgement id

    def embargoed(self, role: Role, sent: Submission) -> bool:
        """Whether this role may not (yet, or until the thaw) see this submission's results."""
        participant = self.participants.get(sent.participant_id or 0)
        if participant is None:
            # Its team is gone (no role owns it), and with it the team's clock: the round's
            # freeze time is the real one for all but a virtual team, whose own comes later,
            # so this hides at least what the freeze hid.
            freeze_at = self.round.freeze_at
            return role.kind != "admin" and freeze_at is not None and sent.created_at >= freeze_at
        at = (sent.created_at - start_of(self.round, participant)).total_seconds()
        # The label plays no part in the rule: a submission on a removed problem has none.
        label = self.labels.get(sent.challenge_id, "")
        attempt = Attempt(sent.id, participant.id, label, at, None)
        return hidden(attempt, freeze_seconds(self.round, participant), role.viewer, thawed=False)

    def points(self, sent: Submission) -> float:
        """The points of a submission's problem (a judgement's score is served in them)."""
        return next((p.points for p in self.round.problems if p.challenge_id == sent.challenge_id),
                    100.0)  # fmt: skip

    def results_shown(self, role: Role, sent: Submission) -> bool:
        """Whether this role sees this submission's judgements now."""
        return self.round.thawed_at is not None or not self.embargoed(role, sent)


def load(round_: Round, *, with_runs: bool = True) -> ContestData:
    """Read the round's rows: every real submission of a participant, on a round problem. A
    virtual run is no part of the contest (it replays it afterwards): neither its team nor its
    submissions are served or told in the feed (a package's hidden team was, and is)."""
    labels = {p.challenge_id: p.label for p in round_.problems}
    participants = {p.id: p for p in round_.participants if not p.is_replay}
    members: dict[int, list[User]] = defaultdict(list)
    for pid, user in db.session.execute(
        select(ParticipantMember.participant_id, User)
        .join(User, User.id == ParticipantMember.user_id)
        .where(ParticipantMember.round_id == round_.id)
        .order_by(ParticipantMember.id)
    ).tuples():
        if pid in participants:
            members[pid].append(user)
    sections: dict[int, str] = {}
    if round_.course_id is not None:
        sections = dict(db.session.execute(select(Enrollment.user_id, Enrollment.section).where(
            Enrollment.course_id == round_.course_id, Enrollment.section != "")).tuples().all())  # fmt: skip
    submissions = [
        s for s in db.session.scalars(
            select(Submission).options(defer(Submission.source))
            .where(Submission.round_id == round_.id, Submission.kind == "submit",
                   Submission.participant_id.is_not(None))
            .order_by(Submission.id))
        if s.challenge_id in labels and s.participant_id in participants
    ]  # fmt: skip
    data = ContestData(round_, labels, participants, dict(members), sections, submissions,
                       Ids.of(round_))  # fmt: skip
    ids = [s.id for s in submissions]
    for judgement in _in_chunks(Judgement, Judgement.submission_id, ids):
        data.judgements.setdefault(judgement.submission_id, []).append(judgement)
    for items in data.judgements.values():
        items.sort(key=lambda j: j.id)
    if with_runs:
        judgement_ids = [j.id for items in data.judgements.values() for j in items]
        for result in _in_chunks(TestResult, TestResult.judgement_id, judgement_ids):
            data.runs.setdefault(result.judgement_id, []).append(result)
        for results in data.runs.values():
            results.sort(key=lambda r: r.position)
    return data


Gone = dict[str, tuple[bool, list[tuple[str, int, str]]]]


def gone_results(data: ContestData, role: Role) -> Gone:
    """Of each submission a removed problem or team took off the contest, by CLICS id: whether
    the freeze hides its results from this role, and its judgements and runs as (type, row
    id, CLICS id). Their deletions are told from here, not logged one row each (a problem
    with thousands of submissions would log a row per test run)."""
    gone = [
        s for s in db.session.scalars(
            select(Submission)
            .options(load_only(Submission.id, Submission.external_id, Submission.challenge_id,
                               Submission.participant_id, Submission.created_at))
            .where(Submission.round_id == data.round.id, Submission.kind == "submit",
                   or_(Submission.challenge_id.not_in(list(data.labels)),
                       Submission.participant_id.is_(None),
                       Submission.participant_id.not_in(list(data.participants)))))
    ]  # fmt: skip
    judged = _in_chunks(Judgement, Judgement.submission_id, [s.id for s in gone])
    runs: dict[int, list[int]] = defaultdict(list)
    for result in _in_chunks(TestResult, TestResult.judgement_id, [j.id for j in judged]):
        runs[result.judgement_id].append(result.id)
    items: dict[int, list[tuple[str, int, str]]] = defaultdict(list)
    for judgement in judged:
        items[judgement.submission_id].append(("judgements", judgement.id, judgement_id(judgement)))
        items[judgement.submission_id] += [("runs", run, str(run)) for run in runs[judgement.id]]
    return {submission_id(s): (data.embargoed(role, s), items[s.id]) for s in gone}


def _in_chunks(model: Any, column: Any, ids: list[int], size: int = 500) -> list[Any]:
    found: list[Any] = []
    options = []
    if model is Judgement:
        options = [defer(Judgement.compile_output), defer(Judgement.error)]
    if model is TestResult:
        options = [defer(TestResult.message)]
    for start in range(0, len(ids), size):
        found += db.session.scalars(
            select(model).options(*options).where(column.in_(ids[start : start + size]))
        )
    return found


def group_ids_of(data: ContestData, pid: int) -> list[str]:
    found = {data.sections[u.id] for u in data.members.get(pid, []) if u.id in data.sections}
    given = (data.participants[pid].clics or {}).get("group_ids", [])
    return sorted({clics_group_id(s) for s in found} | set(given))


def groups(data: ContestData) -> list[dict[str, Any]]:
    """The course sections the round's teams are in (CLICS groups), then an imported
    package's groups."""
    sections = [objects.group(s) for s in sorted(set(data.sections.values()))]
    return sections + imported(data.round, "groups")


def teams(data: ContestData) -> list[dict[str, Any]]:
    return [objects.team(p, group_ids_of(data, p.id)) for p in data.participants.values()]


def persons(data: ContestData, role: Role) -> list[dict[str, Any]]:
    """Team members: the jury sees all (with emails), a team its own; the public none."""
    return [objects.person(data.participants[pid], user.id, user.name or f"Person {user.id}",
                           user.email if role.kind == "admin" else None)
            for pid, users in data.members.items() if role.owns(pid) for user in users]  # fmt: skip


def accounts(data: ContestData, role: Role) -> list[dict[str, Any]]:
    """Accounts: the jury sees every team member's and the owner's; a team its own."""
    found = [objects.account(user.id, user.email, user.name, data.ids.team(pid))
             for pid, users in data.members.items() if role.owns(pid) for user in users]  # fmt: skip
    if role.kind == "admin":
        owner = data.round.owner
        found.insert(0, objects.account(owner.id, owner.email, owner.name, None))
    return found


def problems_open(round_: Round, role: Role, now: datetime) -> bool:
    """Whether this role sees the problems now: the jury always, the public and the teams from
    the start (never while the start is unset), as codedev's pages open them
    (app/contests/access.py `round_problem`)."""
    return role.kind == "admin" or (now >= round_.starts_at and not objects.start_unset(round_))


def problems(data: ContestData) -> list[dict[str, Any]]:
    return [objects.problem(data.round, p, i) for i, p in enumerate(data.round.problems, start=1)]


def submissions(data: ContestData, role: Role) -> list[dict[str, Any]]:
    return [submission(data, s, role) for s in data.submissions]


def submission(data: ContestData, sent: Submission, role: Role) -> dict[str, Any]:
    """One submission as this role sees it."""
    problem = data.ids.problem(data.labels[sent.challenge_id])
    return objects.submission(data.round, sent, problem or "", data.ids.team(sent.participant_id),
                              role.owns(sent.participant_id))  # fmt: skip


def judgements(data: ContestData, role: Role) -> list[dict[str, Any]]:
    return [objects.judgement(data.round, j, submission_id(s), data.runs.get(j.id, []),
                              points=data.points(s))
            for s in data.submissions if data.results_shown(role, s)
            for j in data.judgements.get(s.id, [])]  # fmt: skip


def runs(data: ContestData, role: Role) -> list[dict[str, Any]]:
    return [objects.run(data.round, r, j)
            for s in data.submissions if data.results_shown(role, s)
            for j in data.judgements.get(s.id, []) if objects.judged(j)
            for r in data.runs.get(j.id, [])]  # fmt: skip


def clarification_viewer(role: Role) -> ClarViewer:
    if role.kind == "admin":
        return CLAR_JURY
    if role.kind == "team":
        return ClarViewer(participant_id=role.team_id)
    return CLAR_PUBLIC


def clarification_rows(round_: Round) -> list[Clarification]:
    return list(db.session.scalars(
        select(Clarification).where(Clarification.round_id == round_.id).order_by(Clarification.id)
    ))  # fmt: skip


def clarifications(round_: Round, role: Role) -> list[dict[str, Any]]:
    viewer, ids = clarification_viewer(role), Ids.of(round_, messages=True)
    return [ids.clarification(item) for row in clarification_rows(round_)
            for item in clics_clarifications(row, round_, viewer)]  # fmt: skip
