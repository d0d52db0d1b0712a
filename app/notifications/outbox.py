"""The mail outbox: a row per mail, its job on queue `mail` once the row is committed, and the
sweep that sends again what a lost job or a killed worker left behind.

Policy: no web request talks to SMTP. A service stores the mail in its own transaction
(queue_mail); after that transaction commits the job is enqueued (RQ's Retry: 3 retries with
backoff). A Redis failure there is logged, never raised: the row is the outbox, and the
maintenance sweep (requeue_unsent) enqueues queued rows whose job is overdue.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import redis
from flask import Flask, current_app
from rq import Queue, Retry
from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db
from app.models import OutgoingMail, utcnow
from app.stores import get_queue, get_redis

log = logging.getLogger(__name__)

JOB_FUNCTION = "worker.mail.deliver"
FAN_OUT_FUNCTION = "worker.mail.enqueue"
FAN_OUT = 20
_PENDING = "codedev.after_commit"


# ---- what runs once the caller's transaction commits ----------------------------------


def after_commit(action: Callable[[], object]) -> None:
    """Run action once the current transaction commits (never if it rolls back)."""
    db.session.info.setdefault(_PENDING, []).append(action)


@event.listens_for(Session, "after_commit")
def _run_pending(session: Session) -> None:
    actions = session.info.pop(_PENDING, [])
    for action in actions:
        try:
            action()
        except Exception:  # committed already: one lost live event or enqueue is logged only
            log.exception("after-commit action %r failed", action)


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction ended without a commit (after_commit ran first otherwise).
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


# ---- storing and enqueueing ----------------------------------------------------------


def queue_mail(
    to: str,
    kind: str,
    subject: str,
    text: str,
    html: str = "",
    *,
    user_id: int | None = None,
    headers: dict[str, str] | None = None,
) -> OutgoingMail:
    """Store one mail in the caller's transaction; its job is enqueued after the commit."""
    mail = OutgoingMail(
        to_address=to,
        kind=kind,
        subject=subject[:255],
        text_body=text,
        html_body=html,
        headers=headers or {},
        user_id=user_id,
        enqueued_at=utcnow(),  # the job is sent at commit; the sweep waits from here
    )
    db.session.add(mail)
    _stage_enqueue(mail)
    return mail


def _stage_enqueue(mail: OutgoingMail) -> None:
    """Collect the mails of one transaction, flushed together at its commit, so a 2,000-row
    import writes them in one flush and enqueues them in one round trip."""
    batch: list[OutgoingMail] | None = db.session.info.get(_BATCH)
    if batch is None:
        batch = db.session.info[_BATCH] = []
        app = current_app._get_current_object()  # type: ignore[attr-defined]

        def send() -> None:
            enqueue_mail(db.session.info.pop(_BATCH_IDS, []), app)

        after_commit(send)
    batch.append(mail)


_BATCH = "codedev.mail_batch"
_BATCH_IDS = "codedev.mail_batch_ids"


@event.listens_for(Session, "before_commit")
def _number_batch(session: Session) -> None:
    batch = session.info.pop(_BATCH, None)
    if batch:
        session.flush()
        session.info[_BATCH_IDS] = [mail.id for mail in batch]


@event.listens_for(Session, "after_transaction_end")
def _drop_batch(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_BATCH, None)
        session.info.pop(_BATCH_IDS, None)


def retry_policy(app: Flask) -> Retry:
    """MAIL_RETRIES retries, waiting MAIL_RETRY_INTERVALS seconds (the last one repeats)."""
    intervals = [int(s) for s in str(app.config["MAIL_RETRY_INTERVALS"]).split(",") if s.strip()]
    return Retry(max=int(app.config["MAIL_RETRIES"]), interval=intervals or 0)


def enqueue_mail(mail_ids: list[int], app: Flask | None = None, *, fan_out: bool = True) -> bool:
    """Put committed mails on queue `mail`; False (logged) when Redis is down (the sweep will).
    More than FAN_OUT at once (a roster import) are one job that enqueues them from a worker,
    so the request that stored them pays one Redis command, not thousands."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    if not mail_ids:
        return True
    queue = get_queue("mail", app)
    if fan_out and len(mail_ids) > FAN_OUT:
        try:
            queue.enqueue(FAN_OUT_FUNCTION, list(mail_ids), result_ttl=600,
                          failure_ttl=7 * 24 * 3600, description=f"enqueue {len(mail_ids)} mails")  # fmt: skip
        except redis.RedisError:
            log.warning("could not enqueue %s mails; the sweep will", len(mail_ids), exc_info=True)
            return False
        return True
    retry = retry_policy(app)
    jobs = [
        Queue.prepare_data(
            JOB_FUNCTION,
            args=(mail_id,),
            retry=retry,
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
            description=f"mail {mail_id}",
        )
        for mail_id in mail_ids
    ]
    try:
        with get_redis(app).pipeline() as pipe:
            queue.enqueue_many(jobs, pipeline=pipe)
            pipe.execute()
    except redis.RedisError:
        log.warning("could not enqueue mails %s; the sweep will", mail_ids[:10], exc_info=True)
        return False
    return True


def lease_key(mail_id: int) -> str:
    return f"mail:lease:{mail_id}"


def requeue_unsent(limit: int = 500) -> list[int]:
    """Maintenance: enqueue queued mails whose job is overdue and that no worker is sending
    (a job lost with Redis, a worker killed mid-send). A repeat is harmless: the job sends a
    row only while it is queued and holds its lease."""
    overdue = utcnow() - timedelta(seconds=int(current_app.config["MAIL_REQUEUE_SECONDS"]))
    rows = db.session.scalars(
        select(OutgoingMail.id)
        .where(
            OutgoingMail.status == "queued",
            or_(OutgoingMail.enqueued_at.is_(None), OutgoingMail.enqueued_at < overdue),
        )
        .order_by(OutgoingMail.id)
        .limit(limit)
    ).all()
    connection = get_redis()
    ids = [mail_id for mail_id in rows if not connection.exists(lease_key(mail_id))]
    if not ids:
        return []
    if enqueue_mail(ids, fan_out=False):
        now = utcnow()
        for mail in db.session.scalars(select(OutgoingMail).where(OutgoingMail.id.in_(ids))):
            mail.enqueued_at = now
        db.session.commit()
        log.info("requeued %s unsent mails", len(ids))
    return ids


def outbox_state() -> dict[str, Any]:
    """How many mails are queued, sent and failed (operators, tests)."""
    counts: dict[str, Any] = {"queued": 0, "sent": 0, "failed": 0}
    for status in db.session.scalars(select(OutgoingMail.status)):
        counts[status] = counts.get(status, 0) + 1
    return counts
