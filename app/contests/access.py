"""Who may see a round, who stands on it, and who runs it.

The policy, in one place:
- Staff of a round (admins, its owner, the teacher of its course) see and change everything,
  the jury's board included, and may not stand on it.
- A course round is open to that course's members; an invite round to whoever holds its
  invite link (and, once registered, to them); a public round to everyone, and anyone signed
  in may register.
- A round someone may not see is NotFound (404): a guessed id tells nobody it exists.
- What of the board each viewer sees is decided in one place: app/scoring/freeze.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeAlias

from flask_login import AnonymousUserMixin
from sqlalchemy import select

from app.courses.access import can_manage, is_member
from app.errors import Forbidden, NotFound
from app.extensions import db
from app.models import Course, Participant, ParticipantMember, Round, RoundProblem, User

NO_ROUND = "No such round, or it is not open to you."
AnyUser: TypeAlias = User | AnonymousUserMixin | None


def _signed_in(user: AnyUser) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def is_staff_of(user: AnyUser, round_: Round) -> bool:
    """Admins, the round's owner and the teacher of its course run it."""
    if not _signed_in(user):
        return False
    assert isinstance(user, User)
    if user.is_admin or round_.owner_id == user.id:
        return True
    course = db.session.get(Course, round_.course_id) if round_.course_id else None
    return course is not None and can_manage(user, course)


def participant_of(user: AnyUser, round_: Round) -> Participant | None:
    """The participant (alone or a team) the user stands on in this round, if any."""
    if not _signed_in(user):
        return None
    assert isinstance(user, User)
    return db.session.scalar(
        select(Participant)
        .join(ParticipantMember, ParticipantMember.participant_id == Participant.id)
        .where(ParticipantMember.round_id == round_.id, ParticipantMember.user_id == user.id)
    )


def may_see_round(user: AnyUser, round_: Round, invite_code: str | None = None) -> bool:
    """The one reading rule (see the module's policy)."""
    if is_staff_of(user, round_):
        return True
    if round_.visibility == "public":
        return True
    if round_.visibility == "invite":
        return invite_code == round_.invite_code or participant_of(user, round_) is not None
    if not _signed_in(user) or round_.course_id is None:
        return False
    course = db.session.get(Course, round_.course_id)
    assert isinstance(user, User)
    return course is not None and is_member(user, course)


def visible_round(user: AnyUser, round_id: int, invite_code: str | None = None) -> Round:
    """The round if the user may see it; NotFound otherwise."""
    round_ = db.session.get(Round, round_id)
    if round_ is None or not may_see_round(user, round_, invite_code):
        raise NotFound(NO_ROUND)
    return round_


def managed_round(user: AnyUser, round_id: int) -> Round:
    """The round if the user runs it; Forbidden for those who only see it, NotFound else."""
    round_ = visible_round(user, round_id)
    if not is_staff_of(user, round_):
        raise Forbidden("Only the round's staff may do this.")
    return round_


def round_problem(user: AnyUser, round_id: int, slug: str, now: datetime) -> RoundProblem:
    """A problem of a round the user may open: staff always; others once the round (or, in
    a timed round, their own window) has started. NotFound otherwise: a round's problems stay
    secret until then, even if the challenge is published elsewhere."""
    round_ = visible_round(user, round_id)
    problem = next((p for p in round_.problems if p.challenge.slug == slug), None)
    if problem is None:
        raise NotFound("No such problem in this round.")
    if is_staff_of(user, round_):
        return problem
    if now < round_.starts_at:
        raise NotFound("The round has not started: its problems open at the start.")
    if round_.mode == "timed" and now < round_.ends_at:
        participant = participant_of(user, round_)
        if participant is None or participant.started_at is None:
            raise NotFound("Press Start first: the problems open with your window.")
    return problem
