"""RQ jobs of the mail queue and the notifications' maintenance (ids only: a wire protocol)."""

from __future__ import annotations

import logging

from app.extensions import db
from app.notifications import delivery, outbox, reminders
from worker.jobs import own_connections

log = logging.getLogger(__name__)


def deliver(mail_id: int) -> str:
    """Send one outbox row (a sent or busy one is left alone); RQ retries a refusal."""
    own_connections()
    return delivery.deliver(mail_id)


def enqueue(mail_ids: list[int]) -> int:
    """Fan out: one delivery job per mail of a large batch (a roster import's invitations)."""
    outbox.enqueue_mail(mail_ids, fan_out=False)
    return len(mail_ids)


def maintain() -> None:
    """Each maintenance tick: overdue mail again, reminders that are due, digests; one
    failing never stops the others or the worker."""
    for step in (outbox.requeue_unsent, reminders.send_due_reminders, reminders.send_due_digests):
        try:
            step()
        except Exception:
            db.session.rollback()
            log.exception("notifications maintenance %s failed; the next tick retries",
                          step.__name__)  # fmt: skip
    db.session.remove()
