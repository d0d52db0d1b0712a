"""The change log the event feed merges: a ClicsChange row for every change to a served CLICS
object that leaves no time in its own row (a staff override, a renamed problem or team, an
edited round or section, a deletion), added to the very flush that makes the change.

Why a flush hook and not a call in each service: the changes come from many areas (challenges,
courses, auth, contests, submissions) that must not import clics, and a service that forgets
the call would silently lose an event; here every write of a watched column is seen, in the
same transaction, so the log is exactly as durable as the change. Rows with times of their own
(a submission, a judgement's result, a question) need none: the feed reads their times.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from app.clics.ids import judgement_id, problem_id, team_id
from app.judging import languages as registry
from app.models import (
    Challenge,
    Clarification,
    ClicsChange,
    Enrollment,
    Judgement,
    Participant,
    ParticipantMember,
    Round,
    RoundProblem,
    Submission,
    TestCase,
    User,
    utcnow,
)
from app.scoring.boards import clics_group_id

Change = tuple[int, str, str, bool]  # round id, CLICS type, object id, deleted

# The columns each served object is made of (a change to any other column serves nothing new).
CONTEST = ("name", "starts_at", "ends_at", "freeze_at", "penalty_minutes", "scoring", "clics")
PROBLEM = ("label", "position", "points", "color", "challenge_id", "external_id")
WATCHED: dict[type, tuple[str, ...]] = {
    Judgement: ("override_verdict", "override_reason"),
    Challenge: ("title", "time_limit_ms"),
    RoundProblem: PROBLEM,
    Participant: ("name", "virtual", "external_id"),
    Round: (*CONTEST, "ce_penalty", "languages", "problems", "participants"),
    User: ("name", "email"),
    Enrollment: ("section",),
    Clarification: ("question", "answer", "to_all", "problem_label"),
}


def _changed(obj: Any, names: tuple[str, ...]) -> list[str]:
    state = inspect(obj)
    return [n for n in names if state.attrs[n].history.has_changes()]


def _old(obj: Any, name: str) -> Any:
    """A column's value before this flush's change."""
    history = inspect(obj).attrs[name].history
    return history.deleted[0] if history.deleted else getattr(obj, name)


@event.listens_for(Session, "before_flush")
def _log_changes(session: Session, context: Any, instances: Any) -> None:
    with session.no_autoflush:
        found: list[Change] = []
        for obj in list(session.dirty):
            names = WATCHED.get(type(obj))
            changed = _changed(obj, names) if names else []
            if changed:
                found += _dirty(session, obj, changed)
        for obj in list(session.new):
            found += _added(session, obj)
        for obj in list(session.deleted):
            found += _removed(session, obj)
        # A test added or removed changes its problems' test_data_count: one query a flush.
        tested = {obj.challenge_id for obj in (*session.new, *session.deleted)
                  if isinstance(obj, TestCase) and obj.challenge_id is not None}  # fmt: skip
        if tested:
            found += _problems_of(session, tested)
        at = utcnow()
        for round_id, type_, object_id, deleted in dict.fromkeys(found):
            session.add(ClicsChange(round_id=round_id, type=type_, object_id=object_id,
                                    deleted=deleted, at=at))  # fmt: skip


def _dirty(session: Session, obj: Any, changed: list[str]) -> list[Change]:
    if isinstance(obj, Judgement):
        sent = obj.submission
        return [(sent.round_id, "judgements", judgement_id(obj), False)] if sent.round_id else []
    if isinstance(obj, Challenge):
        return _problems_of(session, {obj.id})
    if isinstance(obj, RoundProblem):
        found = [(obj.round_id, "problems", problem_id(obj), False)]
        if "label" in changed and not obj.external_id:  # the label is the id: the old one goes
            found.append((obj.round_id, "problems", _old(obj, "label"), True))
        return found
    if isinstance(obj, Participant):
        return [(obj.round_id, "teams", team_id(obj), False)]
    if isinstance(obj, Round):
        # An orphan (a problem left out of the new set) is deleted by the flush itself, after
        # this hook: the collection's history is where it shows.
        dropped = [_removed(session, gone) for name in ("problems", "participants")
                   for gone in inspect(obj).attrs[name].history.deleted]  # fmt: skip
        return _round(obj, changed) + [change for found in dropped for change in found]
    if isinstance(obj, User):
        return _people(session, obj.id)
    if isinstance(obj, Enrollment):
        return _section(session, obj, _old(obj, "section"))
    if isinstance(obj, Clarification) and "answered_at" not in _changed(obj, ("answered_at",)):
        # A first answer has its own time (answered_at); an edit afterwards does not.
        return [(obj.round_id, "clarifications", f"{side}{obj.id}", False) for side in "qa"]
    return []


def _added(session: Session, obj: Any) -> list[Change]:
    if isinstance(obj, RoundProblem) and obj.round is not None and obj.round not in session.new:
        return [(obj.round.id, "problems", problem_id(obj), False)]
    if isinstance(obj, ParticipantMember) and obj.participant not in session.new:
        # A member joining a team that stood already (a new team's members come with it).
        return _person(obj.round_id, obj.user_id, deleted=False)
    if isinstance(obj, Enrollment) and obj.section:
        return _section(session, obj, "")
    return []


def _removed(session: Session, obj: Any) -> list[Change]:
    if isinstance(obj, RoundProblem):
        gone = _sent_gone(session, obj.round_id, Submission.challenge_id == obj.challenge_id)
        return [(obj.round_id, "problems", problem_id(obj), True), *gone]
    if isinstance(obj, Participant):
        if obj.is_replay:  # a virtual run was never in the contest's feed: nothing to take back
            return []
        gone = _sent_gone(session, obj.round_id, Submission.participant_id == obj.id)
        return [(obj.round_id, "teams", team_id(obj), True), *gone]
    if isinstance(obj, ParticipantMember):
        return _person(obj.round_id, obj.user_id, deleted=True)
    if isinstance(obj, Clarification):
        return [(obj.round_id, "clarifications", f"{side}{obj.id}", True) for side in "qa"]
    if isinstance(obj, Enrollment) and obj.section:
        return _section(session, obj, obj.section, gone=True)
    return []


def _sent_gone(session: Session, round_id: int, which: Any) -> list[Change]:
    """The submissions a removed problem or team takes off the contest: one row each; the
    feed tells their judgements' and runs' deletions from the rows they leave behind."""
    rows = session.execute(
        select(Submission.id, Submission.external_id).where(
            Submission.round_id == round_id, Submission.kind == "submit", which
        )
    ).tuples()
    return [(round_id, "submissions", external or str(sent), True) for sent, external in rows]


def _round(round_: Round, changed: list[str]) -> list[Change]:
    found: list[Change] = []
    if set(changed) & set(CONTEST):
        found.append((round_.id, "contest", "", False))
    if "ce_penalty" in changed:
        found.append((round_.id, "judgement-types", "CE", False))
    if "languages" in changed:
        before = set(_old(round_, "languages") or registry.ids())
        after = set(round_.languages or registry.ids())
        found += [
            (round_.id, "languages", lang, lang not in after) for lang in sorted(before ^ after)
        ]
    return found


def _problems_of(session: Session, challenge_ids: set[int]) -> list[Change]:
    rows = session.scalars(select(RoundProblem).where(RoundProblem.challenge_id.in_(challenge_ids)))
    return [(row.round_id, "problems", problem_id(row), False) for row in rows]


def _person(round_id: int, user_id: int, *, deleted: bool) -> list[Change]:
    return [(round_id, kind, str(user_id), deleted) for kind in ("persons", "accounts")]


def _people(session: Session, user_id: int) -> list[Change]:
    rounds = session.scalars(
        select(ParticipantMember.round_id).where(ParticipantMember.user_id == user_id)
    )
    return [change for round_id in rounds for change in _person(round_id, user_id, deleted=False)]


def _section(session: Session, row: Enrollment, old: str, *, gone: bool = False) -> list[Change]:
    """A student's section changed: their teams' group ids, and the groups on either side (the
    old one may be left empty: deleted unless someone is still in it when the feed is read)."""
    teams = session.execute(
        select(Participant, Round.id)
        .join(ParticipantMember, ParticipantMember.participant_id == Participant.id)
        .join(Round, Round.id == Participant.round_id)
        .where(ParticipantMember.user_id == row.user_id, Round.course_id == row.course_id)
    ).tuples()
    found: list[Change] = []
    for participant, round_id in teams:
        found.append((round_id, "teams", team_id(participant), False))
        if old:
            found.append((round_id, "groups", clics_group_id(old), True))
        if row.section and not gone:
            found.append((round_id, "groups", clics_group_id(row.section), False))
    return found
