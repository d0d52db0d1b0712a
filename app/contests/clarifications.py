"""Clarifications and announcements: a participant asks, the jury answers (to the asker or to
all) or announces; each viewer's list; the CLICS clarification objects.

What each viewer sees is decided in clarification_sight; events go out after the commit
(app/contests/events.py) and only to the channels that viewer rule allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from app.contests import events, notices
from app.contests.access import AnyUser, is_staff_of, managed_round, participant_of, visible_round
from app.contests.clarification_sight import JURY, PUBLIC, ShownClarification, Viewer
from app.contests.participation import join
from app.contests.windows import window_of
from app.errors import Conflict, Forbidden, NotFound, TooMany, ValidationError
from app.extensions import db
from app.models import Clarification, Participant, Round, User, utcnow
from app.scoring.times import abstime, reltime
from app.stores import take_from_window

TEXT_MAX = 2000
# Questions per user in any 60 s: enough to ask, too few to flood the jury's queue.
ASK_PER_MINUTE = 5
# Offered in the jury's answer form (DOMjudge ships a similar list).
CANNED_ANSWERS = (
    "No comment.",
    "Read the problem statement.",
    "The input is as described.",
    "Yes.",
    "No.",
)


def _text(text: str, field: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError(f"Write the {field}.", field=field)
    if len(text) > TEXT_MAX:
        raise ValidationError(f"The {field} can have at most {TEXT_MAX} characters.", field=field)
    return text


def _label(round_: Round, label: str | None) -> str | None:
    """A label of the round's problem set (any case), or None for a general message."""
    label = (label or "").strip().upper()
    if not label:
        return None
    if label not in {problem.label for problem in round_.problems}:
        raise ValidationError(f"The round has no problem {label}.", field="problem_label")
    return label


def _check_rate(user: User) -> None:
    """At most ASK_PER_MINUTE questions per user in any 60 s."""
    if not take_from_window(f"ratelimit:clarifications:{user.id}", ASK_PER_MINUTE):
        raise TooMany(f"At most {ASK_PER_MINUTE} questions a minute; wait a little.")


def problems_out(user: AnyUser, round_: Round, now: datetime | None = None) -> bool:
    """Whether the user may ask about the round's problems yet: once it started (a timed
    round: once they pressed Start), so a question form never shows a problem early."""
    now = now or utcnow()
    if now < round_.starts_at:
        return False
    if round_.mode != "timed" or is_staff_of(user, round_):
        return True
    window = window_of(round_, participant_of(user, round_))
    return window is not None and now >= window.opens


def may_ask(user: AnyUser, round_: Round) -> bool:
    """Whether the ask form is for this user: one who stands on the round, or may join it
    alone, while it is not finalized (staff announce instead)."""
    if not getattr(user, "is_authenticated", False) or round_.finalized_at is not None:
        return False
    if is_staff_of(user, round_):
        return False
    return participant_of(user, round_) is not None or round_.team_size == 1


def ask(
    user: User,
    round_: Round,
    problem_label: str | None,
    question: str,
    now: datetime | None = None,
) -> Clarification:
    """A participant's question about one problem or the round in general (registering the
    user on the round the first time); the jury is told once it is stored."""
    now = now or utcnow()
    visible_round(user, round_.id)
    if is_staff_of(user, round_):
        raise Forbidden("The round's staff answer questions: post an announcement instead.")
    if round_.finalized_at is not None:
        raise Conflict("The round is finalized: it takes no more questions.")
    text = _text(question, "question")
    if problem_label and not problems_out(user, round_, now):
        raise ValidationError(
            "The problems are not out yet: ask a general question.", field="problem_label"
        )
    label = _label(round_, problem_label)
    participant = join(user, round_)  # before the rate: a refused join costs no question
    _check_rate(user)
    row = Clarification(
        round_id=round_.id,
        participant_id=participant.id,
        problem_label=label,
        question=text,
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    notices.question_asked(row, round_)
    db.session.commit()
    events.asked(row)
    return row


def answer(
    staff: User,
    clarification_id: int,
    text: str,
    to_all: bool,
    now: datetime | None = None,
    round_: Round | None = None,
) -> Clarification:
    """The jury's answer, to the asking participant or to everyone (of round_, when given);
    a question is answered once: of two judges answering at once, the second is told."""
    row = db.session.get(Clarification, clarification_id)
    if row is None or (round_ is not None and row.round_id != round_.id):
        raise NotFound("No such clarification.")
    managed_round(staff, row.round_id)
    if row.is_announcement:
        raise Conflict("An announcement is not a question: post another announcement.")
    body = _text(text, "answer")
    claimed = db.session.execute(
        update(Clarification)
        .where(Clarification.id == row.id, Clarification.answered_at.is_(None))
        .values(answer=body, to_all=to_all, answered_by_id=staff.id, answered_at=now or utcnow())
    )
    if claimed.rowcount == 0:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Conflict("This question was answered already; add to it with an announcement.")
    db.session.refresh(row)
    members = notices.members_of(row.participant_id) if row.participant_id else []
    notices.question_answered(row, db.session.get_one(Round, row.round_id), members)
    db.session.commit()
    events.answered(row, members)
    return row


def announce(
    staff: User,
    round_: Round,
    text: str,
    problem_label: str | None = None,
    now: datetime | None = None,
) -> Clarification:
    """A message from the jury to everyone in the round (about one problem, or general)."""
    managed_round(staff, round_.id)
    body = _text(text, "announcement")
    moment = now or utcnow()
    row = Clarification(
        round_id=round_.id,
        problem_label=_label(round_, problem_label),
        answer=body,
        to_all=True,
        answered_by_id=staff.id,
        created_at=moment,
        answered_at=moment,
    )
    db.session.add(row)
    db.session.flush()
    notices.announced(row, round_)
    db.session.commit()
    events.announced(row)
    return row


def viewer_of(user: AnyUser, round_: Round) -> Viewer:
    """The jury, the participant the user stands on, or the public."""
    if is_staff_of(user, round_):
        return JURY
    participant = participant_of(user, round_)
    return Viewer(participant_id=participant.id) if participant else PUBLIC


def visible_clarifications(user: AnyUser, round_: Round) -> list[ShownClarification]:
    """What the user may see of a round they may see, newest first."""
    viewer = viewer_of(user, round_)
    rows = db.session.scalars(
        select(Clarification)
        .where(Clarification.round_id == round_.id)
        .order_by(Clarification.created_at.desc(), Clarification.id.desc())
    )
    return [shown for row in rows if (shown := viewer.sees(row)) is not None]


def unanswered_count(round_: Round) -> int:
    """How many questions wait for the jury."""
    waiting = select(func.count(Clarification.id)).where(
        Clarification.round_id == round_.id,
        Clarification.participant_id.is_not(None),
        Clarification.answered_at.is_(None),
    )
    return db.session.scalar(waiting) or 0


@dataclass(frozen=True)
class JuryQueue:
    """The jury's page: questions waiting (oldest first), answered ones, announcements."""

    unanswered: list[ShownClarification]
    answered: list[ShownClarification]
    announcements: list[ShownClarification]
    asked_by: dict[int, str]  # participant id -> name

    def pick(self, clarification_id: int | None) -> ShownClarification | None:
        """The question asked for, else the oldest one waiting."""
        for shown in (*self.unanswered, *self.answered):
            if shown.id == clarification_id:
                return shown
        return self.unanswered[0] if self.unanswered else None

    def waiting_by_problem(self) -> dict[str, int]:
        """How many questions wait per problem label ("General" for the rest)."""
        counts: dict[str, int] = {}
        for shown in self.unanswered:
            key = shown.problem_label or "General"
            counts[key] = counts.get(key, 0) + 1
        return counts


def jury_queue(staff: User, round_: Round) -> JuryQueue:
    """Every clarification of a round its staff run, sorted for answering."""
    managed_round(staff, round_.id)
    shown = visible_clarifications(staff, round_)
    rows = db.session.execute(
        select(Participant.id, Participant.name).where(Participant.round_id == round_.id)
    )
    names = {participant_id: name for participant_id, name in rows}
    return JuryQueue(
        unanswered=[c for c in reversed(shown) if not c.is_announcement and not c.answered],
        answered=[c for c in shown if not c.is_announcement and c.answered],
        announcements=[c for c in shown if c.is_announcement],
        asked_by=names,
    )


def clics_clarifications(
    row: Clarification, round_: Round, viewer: Viewer = JURY
) -> list[dict[str, Any]]:
    """The CLICS (2023-06) clarification objects of one row as viewer may see them.

    A question and its answer are two objects: the team's request "q<id>" and the jury's
    reply "a<id>" (reply_to_id "q<id>"); an announcement is one jury message "a<id>". The
    public gets the reply to all without the team's request, so reply_to_id is null there.
    """
    shown = viewer.sees(row)
    if shown is None:
        return []

    def message(id_: str, text: str, at: datetime, **ids: str | None) -> dict[str, Any]:
        return {
            "id": id_,
            "from_team_id": ids.get("from_team_id"),
            "to_team_id": ids.get("to_team_id"),
            "reply_to_id": ids.get("reply_to_id"),
            "problem_id": shown.problem_label,
            "text": text,
            "time": abstime(at),
            "contest_time": reltime(at - round_.starts_at),
        }

    team = str(row.participant_id)
    if shown.is_announcement:
        return [message(f"a{row.id}", shown.answer or "", shown.answered_at or shown.asked_at)]
    sees_request = viewer.jury or shown.mine
    objects = []
    if sees_request:
        objects.append(message(f"q{row.id}", shown.question, shown.asked_at, from_team_id=team))
    if shown.answer is not None and shown.answered_at is not None:
        objects.append(
            message(
                f"a{row.id}",
                shown.answer,
                shown.answered_at,
                to_team_id=None if shown.to_all else team,
                reply_to_id=f"q{row.id}" if sees_request else None,
            )
        )
    return objects
