"""Standing on a round: registering (alone or as a team), pressing Start, extensions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.contests import notices
from app.contests.access import is_staff_of, may_see_round, participant_of
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.models import Participant, ParticipantMember, Round, User, utcnow
from app.scoring import cache
from app.scoring import live as board_live

TEAM_NAME_MAX = 120


def join(user: User, round_: Round, invite_code: str | None = None) -> Participant:
    """The user's own participant, registering them alone the first time (course members,
    invite holders and, on a public round, anyone signed in). Staff never stand on it."""
    existing = participant_of(user, round_)
    if existing is not None:
        return existing
    check_may_join(user, round_, invite_code)
    return _create(round_, user.name, [user])


def check_may_join(user: User, round_: Round, invite_code: str | None = None) -> None:
    """Refuse, as join would, a user who may not register alone; stores nothing (a caller
    that may still refuse joins only once it won't)."""
    if is_staff_of(user, round_):
        raise Forbidden("The round's staff do not take part in it.")
    if not may_see_round(user, round_, invite_code):
        raise NotFound("No such round, or it is not open to you.")
    if round_.team_size > 1:
        raise Forbidden("This round is for teams: your teacher puts you in one.")
    if utcnow() >= round_.ends_at:
        # A late submission must not put a new, empty row on the final board (nor use up the
        # student's one standing on it, which a virtual run needs).
        replay = " Start a virtual contest to replay it." if round_.mode == "contest" else ""
        raise Conflict(f"The round is over: it takes no new participants.{replay}", code="closed")


def create_team(staff: User, round_: Round, name: str, members: Sequence[User]) -> Participant:
    """A team of up to the round's team size, made by its staff; a student is on one team."""
    if not is_staff_of(staff, round_):
        raise Forbidden("Only the round's staff make teams.")
    name = name.strip()
    if not name or len(name) > TEAM_NAME_MAX:
        raise ValidationError(f"A team name is 1 to {TEAM_NAME_MAX} characters.", field="name")
    ids = [member.id for member in members]
    if len(set(ids)) != len(ids):
        raise ValidationError("A student appears twice in the team.", field="members")
    if not 1 <= len(ids) <= round_.team_size:
        raise ValidationError(
            f"A team in this round has 1 to {round_.team_size} members.", field="members"
        )
    return _create(round_, name, list(members))


def create_team_by_emails(staff: User, round_: Round, name: str, emails: str) -> Participant:
    """A team from a comma- or space-separated list of its members' emails."""
    wanted = [email.strip().lower() for email in emails.replace(",", " ").split() if email.strip()]
    users = {u.email.lower(): u for u in db.session.scalars(select(User).where(
        func.lower(User.email).in_(wanted)))}  # fmt: skip
    unknown = [email for email in wanted if email not in users]
    if unknown:
        raise ValidationError(f"No account for {', '.join(unknown)}.", field="members")
    return create_team(staff, round_, name, [users[email] for email in wanted])


def _create(round_: Round, name: str, members: list[User], **columns: Any) -> Participant:
    participant = Participant(round_id=round_.id, name=name[:TEAM_NAME_MAX], **columns)
    participant.members = [ParticipantMember(round_id=round_.id, user_id=m.id) for m in members]
    db.session.add(participant)
    try:
        db.session.commit()
    except IntegrityError as error:  # the unique (round, user): already on a team
        db.session.rollback()
        taken = participant_of(members[0], round_) if len(members) == 1 else None
        if taken is not None:
            return taken  # a second click on Join, raced: the first one's participant
        raise Conflict("A member is already on a team in this round.") from error
    board_live.bump(round_.id)  # a new row on the board
    return participant


def start(user: User, round_: Round, now: datetime | None = None) -> Participant:
    """Press Start on a timed round: open the personal window once (a second press, even at
    the same instant, keeps the first window)."""
    now = now or utcnow()
    if round_.mode != "timed":
        raise Conflict("Only a timed round has a Start button.")
    if now < round_.starts_at:
        raise Conflict(f"The round opens at {round_.starts_at:%Y-%m-%d %H:%M} UTC.")
    if now >= round_.ends_at:
        raise Conflict("The round is over: it can no longer be started.")
    participant = join(user, round_)
    _open_window(participant, now)
    return participant


def start_virtual(user: User, round_: Round, now: datetime | None = None) -> Participant:
    """Replay a finalized contest in a window of one's own, ranked against the original (its
    results are final by then: the run is compared with what they stay)."""
    now = now or utcnow()
    if round_.mode != "contest" or round_.finalized_at is None:
        raise Conflict("Only a contest whose results are final can be replayed.")
    if is_staff_of(user, round_) or not may_see_round(user, round_):
        raise Forbidden("You may not replay this contest.")
    existing = participant_of(user, round_)
    if existing is not None and existing.is_replay:
        return existing  # a second press: the run goes on in its first window
    if existing is not None:
        raise Conflict("You took part in this contest already.")
    # Virtual and started in the one commit that makes it: never an unstarted virtual row.
    return _create(round_, f"{user.name} (virtual)", [user], virtual=True, started_at=now)


def _open_window(participant: Participant, now: datetime) -> None:
    # One UPDATE that only an unstarted row matches: concurrent presses open one window.
    db.session.execute(
        update(Participant)
        .where(Participant.id == participant.id, Participant.started_at.is_(None))
        .values(started_at=now)
    )
    db.session.commit()
    db.session.refresh(participant)


def extend(staff: User, round_: Round, participant_id: int, minutes: int) -> Participant:
    """Give one participant extra minutes (a timed window, or an assignment's dates)."""
    if not is_staff_of(staff, round_):
        raise Forbidden("Only the round's staff grant extensions.")
    if not 0 <= minutes <= 60 * 24 * 60:
        raise ValidationError("An extension is 0 to 86400 minutes.", field="minutes")
    participant = db.session.scalar(
        select(Participant).where(
            Participant.id == participant_id, Participant.round_id == round_.id
        )
    )
    if participant is None:
        raise NotFound("No such participant in this round.")
    participant.extra_minutes = minutes
    if minutes:
        notices.extension_granted(participant, round_, minutes)
    # The window moved: what the participant sent may now count at another credit.
    cache.refresh_participant(round_.id, participant.id)
    db.session.commit()
    board_live.announce_rows(round_.id, [participant.id])
    return participant
