"""What rounds tell people through notify(): an answer to the asker's members, a question
to the round's teachers, an announcement to everyone in it, an extension, a new assignment.
Each is called inside the service's transaction and goes out when it commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Clarification, Course, Enrollment, Participant, ParticipantMember, Round
from app.notifications.service import notify


def _about(round_: Round, **more: Any) -> dict[str, Any]:
    return {"round_id": round_.id, "round_title": round_.name, **more}


def members_of(participant_id: int) -> list[int]:
    """The users standing on one participant (a student alone, or a team)."""
    return list(
        db.session.scalars(
            select(ParticipantMember.user_id).where(
                ParticipantMember.participant_id == participant_id
            )
        )
    )


def teachers_of(round_: Round) -> list[int]:
    """The round's owner and its course's owner: who answers its questions."""
    staff = {round_.owner_id}
    course = db.session.get(Course, round_.course_id) if round_.course_id else None
    if course is not None:
        staff.add(course.owner_id)
    return sorted(staff)


def everyone_in(round_: Round) -> list[int]:
    """Its participants' members and its course's students."""
    users = set(
        db.session.scalars(
            select(ParticipantMember.user_id).where(ParticipantMember.round_id == round_.id)
        )
    )
    if round_.course_id is not None:
        users.update(
            db.session.scalars(
                select(Enrollment.user_id).where(
                    Enrollment.course_id == round_.course_id, Enrollment.role == "student"
                )
            )
        )
    return sorted(users)


def question_asked(row: Clarification, round_: Round) -> None:
    """The teachers hear of a question (one unread row per round, however many come)."""
    for user_id in teachers_of(round_):
        notify(user_id, "clarification_asked",
               _about(round_, clarification_id=row.id, problem_label=row.problem_label),
               collapse_key=f"asked:{round_.id}")  # fmt: skip


def question_answered(row: Clarification, round_: Round, member_ids: Iterable[int]) -> None:
    """The asker's members get the answer (the text is in the mail, as on the page)."""
    for user_id in member_ids:
        notify(user_id, "clarification_answered",
               _about(round_, clarification_id=row.id, question=row.question,
                      text=row.answer or ""))  # fmt: skip


def announced(row: Clarification, round_: Round) -> None:
    """Everyone in the round hears of an announcement."""
    for user_id in everyone_in(round_):
        notify(user_id, "announcement", _about(round_, text=row.answer or ""))


def extension_granted(participant: Participant, round_: Round, minutes: int) -> None:
    """The participant's members hear they have more time."""
    for user_id in members_of(participant.id):
        notify(user_id, "extension_granted", _about(round_, minutes=minutes))


def assignment_published(round_: Round) -> None:
    """A new assignment of a course: its students hear of it."""
    if round_.mode != "assignment" or round_.course_id is None:
        return
    for user_id in everyone_in(round_):
        notify(user_id, "assignment_published", _about(round_))
