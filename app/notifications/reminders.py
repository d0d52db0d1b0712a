"""Scheduled notifications, run by the workers' maintenance tick (every worker, every
JUDGE_MAINTENANCE_SECONDS): deadline reminders 24 h and 1 h before an assignment is due, a
contest starting in 15 minutes, and the daily or weekly digest.

Policy: SQL is the schedule. Each reminder is a notification with a once key (the kind, the
round, the due time it is about), unique per user in the database: two workers, a restart or
a tick run twice can't send one twice, and a worker down at the moment sends it when it is
back (while still before the deadline). A moved deadline is a new key, so it is reminded again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from app.extensions import db
from app.models import (
    Enrollment,
    Notification,
    NotificationSetting,
    Participant,
    ParticipantMember,
    Round,
    User,
    utcnow,
)
from app.notifications.kinds import get_kind
from app.notifications.mails import queue_digest
from app.notifications.preferences import choice_for
from app.notifications.render import shown
from app.notifications.service import notify

log = logging.getLogger(__name__)

DEADLINES = (("deadline_24h", timedelta(hours=24)), ("deadline_1h", timedelta(hours=1)))
CONTEST_SOON = timedelta(minutes=15)
DIGEST_PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


def audience(round_: Round) -> list[int]:
    """Who a round's reminders are for: its course's students and its participants."""
    users: set[int] = set(
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


def _payload(round_: Round) -> dict[str, object]:
    return {"round_id": round_.id, "round_title": round_.name}


def _remind(round_: Round, kind: str, moment: datetime, users: Iterable[int]) -> int:
    sent = 0
    key = f"{kind}:{round_.id}:{moment:%Y%m%d%H%M}"
    for user_id in users:
        if notify(user_id, kind, _payload(round_), once_key=key) is not None:
            sent += 1
    return sent


# The longest extension a participant can be granted (app/contests/participation.extend).
LONGEST_EXTENSION = timedelta(days=60)


def own_due(round_: Round) -> dict[int, datetime]:
    """Each reminded user's own due time: the round's, moved by their extension if any."""
    assert round_.due_at is not None
    due = {user_id: round_.due_at for user_id in audience(round_)}
    extended = db.session.execute(
        select(ParticipantMember.user_id, Participant.extra_minutes)
        .join(Participant, Participant.id == ParticipantMember.participant_id)
        .where(ParticipantMember.round_id == round_.id, Participant.extra_minutes > 0)
    )
    for user_id, minutes in extended:
        due[user_id] = round_.due_at + timedelta(minutes=minutes)
    return due


def send_due_reminders(now: datetime | None = None) -> int:
    """Send every reminder whose moment has come and whose event is still ahead; how many.
    A student with an extension is reminded of their own due time (a new once key), not the
    round's."""
    now = now or utcnow()
    sent = 0
    rounds = db.session.scalars(
        select(Round).where(
            Round.mode == "assignment",
            Round.due_at.is_not(None),
            Round.due_at > now - LONGEST_EXTENSION,
            Round.due_at <= now + DEADLINES[0][1],
        )
    ).all()
    for round_ in rounds:
        by_due: dict[datetime, list[int]] = {}
        for user_id, due in own_due(round_).items():
            if now < due <= now + DEADLINES[0][1]:
                by_due.setdefault(due, []).append(user_id)
        for due, users in by_due.items():
            # Less than an hour left: only the 1 h one.
            kind = DEADLINES[1][0] if due - now <= DEADLINES[1][1] else DEADLINES[0][0]
            sent += _remind(round_, kind, due, users)
    starting = db.session.scalars(
        select(Round).where(
            Round.mode == "contest", Round.starts_at > now, Round.starts_at <= now + CONTEST_SOON
        )
    ).all()
    for round_ in starting:
        sent += _remind(round_, "contest_starting", round_.starts_at, audience(round_))
    db.session.commit()
    return sent


def send_due_digests(now: datetime | None = None) -> int:
    """Mail each user whose digest period has passed the unread notifications set to digest
    that no digest listed yet; nothing (and no mail) when they read them all in the app."""
    now = now or utcnow()
    candidates = db.session.scalars(
        select(Notification.user_id)
        .where(Notification.read_at.is_(None), Notification.digested_at.is_(None))
        .distinct()
    ).all()
    mailed = 0
    for user_id in candidates:
        setting = db.session.get(NotificationSetting, user_id) or NotificationSetting(
            user_id=user_id, digest="daily"
        )
        period = DIGEST_PERIODS.get(setting.digest, DIGEST_PERIODS["daily"])
        if setting.last_digest_at is not None and now - setting.last_digest_at < period:
            continue
        rows = [
            row
            for row in db.session.scalars(
                select(Notification)
                .where(
                    Notification.user_id == user_id,
                    Notification.read_at.is_(None),
                    Notification.digested_at.is_(None),
                    or_(Notification.updated_at <= now, Notification.updated_at.is_(None)),
                )
                .order_by(Notification.id)
            )
            if choice_for(user_id, get_kind(row.kind))[1] == "digest"
        ]
        user = db.session.get(User, user_id)
        if not rows or user is None or not user.active:
            continue
        queue_digest(user, [shown(row) for row in rows], setting.digest)
        for row in rows:
            row.digested_at = now
        setting.last_digest_at = now
        db.session.merge(setting)
        db.session.commit()
        mailed += 1
    return mailed
