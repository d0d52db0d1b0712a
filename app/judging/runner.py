"""The app's one seam to the worker: everything the app needs of the judge goes through here.

DESIGN.md: worker → app only. The worker imports the app freely; the app imports the worker
here and nowhere else (tests/test_import_graph.py checks it), so what the app relies on is
this short list: the language registry (read through app/judging/languages.py), the judging
pipeline, the sandbox CLI, images and containers. Importing it loads the Docker SDK but never
reaches the engine: only judging and the image and container functions below do.
"""

from __future__ import annotations

from collections.abc import Iterable

from worker.blobs import BlobError
from worker.input_validation import InputCase, validate_inputs
from worker.languages import (
    LANGUAGES,
    Language,
    get_language,
    language_for_code,
    language_for_filename,
)
from worker.pipeline import SandboxFactory, SandboxFailure, judge_source
from worker.sandbox import ServiceUnavailable as SandboxUnavailable
from worker.sandbox import ensure_images, reap_orphans
from worker.sandbox.api import SandboxError
from worker.sandbox.cli import sandbox_cli
from worker.sandbox.engine import get_client
from worker.sandbox.images import is_current

# What judge_source raises when the judge, not the program, failed (no engine, no image,
# damaged test data, a runner fault): the caller reports it, never turns it into a verdict.
JUDGE_ERRORS: tuple[type[Exception], ...] = (SandboxError, SandboxFailure, BlobError)


def missing_images() -> list[str]:
    """Languages whose sandbox image is missing or outdated; SandboxUnavailable without an engine."""
    client = get_client()
    return [language_id for language_id in LANGUAGES if not is_current(client, language_id)]


def build_images(languages: Iterable[str] | None = None) -> list[str]:
    """Build the missing or outdated images (all languages by default); the ids built."""
    return ensure_images(languages)


def reap_orphan_sandboxes() -> int:
    """Remove this host's sandbox containers whose worker died; returns how many."""
    return reap_orphans()


__all__ = [
    "JUDGE_ERRORS",
    "InputCase",
    "LANGUAGES",
    "Language",
    "SandboxFactory",
    "SandboxUnavailable",
    "build_images",
    "get_language",
    "judge_source",
    "language_for_code",
    "language_for_filename",
    "missing_images",
    "reap_orphan_sandboxes",
    "sandbox_cli",
    "validate_inputs",
]
