"""Test data on the worker host: blobs fetched from SQL once, cached by sha256, verified."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

from flask import current_app

from app.extensions import db
from app.models import Blob

log = logging.getLogger(__name__)
_warned_in: int | None = None  # the process that said the cache is failing (once per horse)


class BlobError(RuntimeError):
    """Test data missing or not matching its hash: a judge fault (IE), never the student's."""


def cache_dir() -> Path:
    """BLOB_CACHE_DIR, or blob-cache/ in the instance folder."""
    configured = current_app.config.get("BLOB_CACHE_DIR")
    return Path(configured or os.path.join(current_app.instance_path, "blob-cache"))


def ensure_blob(sha256: str) -> None:
    """Make sure the blob can be had: on disk here (verified when read), else fetched from SQL."""
    if not _path(sha256).is_file():
        fetch_blob(sha256)


def _path(sha256: str) -> Path:
    return cache_dir() / sha256[:2] / sha256


def fetch_blob(sha256: str) -> bytes:
    """The blob's bytes, from the host cache when present and intact, else from SQL."""
    path = _path(sha256)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        pass
    else:
        if hashlib.sha256(data).hexdigest() == sha256:
            return data
        path.unlink(missing_ok=True)  # damaged on disk: fetch it again
    blob = db.session.get(Blob, sha256)
    if blob is None:
        raise BlobError(f"test data {sha256} is missing from the database")
    data = bytes(blob.data)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise BlobError(f"test data {sha256} does not match its hash")
    try:
        _store(path, data)
    except OSError as error:
        _cache_failed(error)
    return data


def _cache_failed(error: OSError) -> None:
    """The cache only saves database reads: judge from memory, and say once what is wrong."""
    global _warned_in
    if _warned_in != os.getpid():
        _warned_in = os.getpid()
        log.warning("blob cache %s cannot store test data (%s); judging without the cache",
                    cache_dir(), error.strerror or error)  # fmt: skip


def _store(path: Path, data: bytes) -> None:
    """Write atomically so a concurrent reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
