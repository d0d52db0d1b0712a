"""A challenge's attachments (a package's attachments/, a testing tool say): listed on the
challenge and solve pages, downloaded by whoever may see the challenge (may_see_challenge:
its managers, and once it is published everyone it is open to)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.challenges.files import ServedFile
from app.challenges.service import visible_challenge
from app.errors import NotFound
from app.extensions import db
from app.models import Blob, Challenge, User

FOLDER = "attachments/"


@dataclass(frozen=True)
class Attachment:
    """A file students may download: its name under attachments/ and its size."""

    name: str
    size: int


def attachments_of(challenge: Challenge) -> list[Attachment]:
    """The challenge's attachments by name (one query for their sizes)."""
    kept = challenge.attachments()
    sizes = dict(
        db.session.execute(
            select(Blob.sha256, Blob.size).where(Blob.sha256.in_({k.sha256 for k in kept}))
        )
        .tuples()
        .all()
    )
    return [Attachment(k.path[len(FOLDER) :], sizes.get(k.sha256, 0)) for k in kept]


def attachment_file(challenge: Challenge, name: str) -> ServedFile:
    """An attachment's bytes (the caller decided the viewer may see the challenge)."""
    kept = next((k for k in challenge.attachments() if k.path == FOLDER + name), None)
    blob = db.session.get(Blob, kept.sha256) if kept is not None else None
    if blob is None:
        raise NotFound("No such attachment.")
    return ServedFile(blob.data, "application/octet-stream", blob.sha256)


def visible_attachment(user: User | None, slug: str, name: str) -> ServedFile:
    """An attachment of a challenge the user may see (may_see_challenge); NotFound otherwise."""
    return attachment_file(visible_challenge(user, slug), name)
