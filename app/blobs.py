"""Content-addressed blobs in SQL: test data, statement files and kept package files by sha256."""

from __future__ import annotations

import hashlib

from app.extensions import db
from app.models import Blob


def store_blob(data: bytes, pending: dict[str, Blob] | None = None) -> str:
    """Store bytes once by sha256 (in the current transaction) and return the hash."""
    digest = hashlib.sha256(data).hexdigest()
    if pending is not None and digest in pending:
        return digest
    if db.session.get(Blob, digest) is None:
        blob = Blob(sha256=digest, size=len(data), data=data)
        db.session.add(blob)
        if pending is not None:
            pending[digest] = blob
        else:
            db.session.flush()
    return digest
