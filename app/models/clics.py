"""What the CLICS event feed can't read from a row's own times: an append-only change log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class ClicsChange(Base):
    """One change to a served CLICS object that leaves no time in its own row (an override, a
    rename, an edit, a deletion), written in the transaction that makes it; the feed turns it
    into an update (or delete) event of the object as it is now."""

    __tablename__ = "clics_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    # The CLICS endpoint ("problems", "teams", "judgements", ...; "contest" for the contest).
    type: Mapped[str] = mapped_column(String(24))
    # The object's CLICS id when it changed ("" for the contest).
    object_id: Mapped[str] = mapped_column(String(64), default="")
    # The object was deleted (or lost this id): a delete event unless it is back by then.
    deleted: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(default=utcnow)
