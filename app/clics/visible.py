"""The times the event feed keys by are never earlier than the commit that made them visible.

A row written with a time well before its commit (a jury's submission at the time it gives, a
transaction slower than CLICS_FEED_SETTLE_SECONDS) would otherwise be keyed before tokens that
clients got meanwhile: a connected stream or a since_token resumer would never get it, and
would then get its judgement, which names an object it does not know.

So, just before a commit: codedev's own stamps written in the transaction (a judgement's start
and end, a question and its answer, a team's creation, a thaw, a logged change) that lie more
than LATE back move to the commit's moment; a submission's time is the sender's and stays, and
its visible_at takes that moment: the feed keys it, and so its judgements, no earlier. Rows of
a round created in the same transaction are left as they are: no client can hold a token of
a round before it exists (an imported contest keeps its own order). Session hooks, as
app/clics/changes.py's and for the same reason: every writer is seen, none has to call them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session

from app.models import Clarification, ClicsChange, Judgement, Participant, Round, Submission, utcnow

# A row committed within LATE of its time keeps it: the settle window (which must be longer,
# with the commit's own latency) covers it, and most commits write nothing more.
LATE = timedelta(milliseconds=250)
# codedev's own stamps of the moment a row was written.
STAMPS: dict[type, tuple[str, ...]] = {
    Judgement: ("created_at", "finished_at"),
    Clarification: ("created_at", "answered_at"),
    Participant: ("created_at",),
    Round: ("thawed_at", "finalized_at"),
    ClicsChange: ("at",),
}
# What the hooks keep in session.info for the transaction.
BEGAN, WRITTEN, NEW_ROUNDS, UPDATED = "clics_began", "clics_written", "clics_new", "clics_bulk"


@event.listens_for(Session, "after_begin")
def _began(session: Session, transaction: Any, connection: Any) -> None:
    session.info.setdefault(BEGAN, utcnow())


@event.listens_for(Session, "after_flush")
def _written(session: Session, context: Any) -> None:
    _note(session)


def _note(session: Session) -> None:
    """Remember the rows this transaction writes (flushed, or about to be by the commit)."""
    written: set[Any] = session.info.setdefault(WRITTEN, set())
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Round) and obj in session.new:
            session.info.setdefault(NEW_ROUNDS, set()).add(obj)
        if type(obj) in STAMPS or (isinstance(obj, Submission) and obj in session.new):
            written.add(obj)


@event.listens_for(Session, "do_orm_execute")
def _bulk_updated(state: ORMExecuteState) -> None:
    """An UPDATE statement that sets a stamp (answering a question claims it by one): the
    rows it wrote are those in the session with a stamp from this transaction."""
    mapper = state.bind_mapper
    if state.is_update and mapper is not None and mapper.class_ in STAMPS:
        names = set(cast(Any, state.statement).compile().params)
        if names & set(STAMPS[mapper.class_]):
            state.session.info.setdefault(UPDATED, set()).add(mapper.class_)


@event.listens_for(Session, "before_commit")
def _stamp(session: Session) -> None:
    began: datetime | None = session.info.get(BEGAN)
    if began is None:
        return
    _note(session)
    now = utcnow()
    fresh = session.info.get(NEW_ROUNDS, set())
    updated = session.info.get(UPDATED, set())
    found = set(session.info.get(WRITTEN, set()))
    found |= {obj for obj in session.identity_map.values() if type(obj) in updated}
    for obj in found:
        state = inspect(obj)
        if state.deleted or state.detached or state.was_deleted:
            continue
        if isinstance(obj, Submission):
            late = ["visible_at"] if _sent_late(obj, now) else []
        else:
            late = [n for n in STAMPS[type(obj)] if _late(getattr(obj, n), began, now)]
        if late and _round(obj) not in fresh:  # the round is only looked up when it matters
            for name in late:
                setattr(obj, name, now)


def _sent_late(sent: Submission, now: datetime) -> bool:
    """A submission in a round whose own time is LATE or more before its commit."""
    return sent.round_id is not None and sent.visible_at is None and sent.created_at < now - LATE


def _late(moment: datetime | None, began: datetime, now: datetime) -> bool:
    """A stamp this transaction wrote (not an imported time: those come from before it) that
    is LATE or more before its commit."""
    return moment is not None and began <= moment < now - LATE


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        for name in (BEGAN, WRITTEN, NEW_ROUNDS, UPDATED):
            session.info.pop(name, None)


def _round(obj: Any) -> Round | None:
    """The round a row belongs to (from the identity map when it is there; None outside
    rounds)."""
    session = inspect(obj).session
    if isinstance(obj, Round):
        return obj
    if isinstance(obj, Judgement):
        sent = obj.submission
        if sent is None and obj.submission_id is not None:
            sent = session.get(Submission, obj.submission_id)
        return _round(sent) if sent is not None else None
    found: Round | None = getattr(obj, "round", None)
    if found is None and obj.round_id is not None:
        found = session.get(Round, obj.round_id)
    return found
