"""The app's one seam to the worker: the language registry, the judging pipeline, the sandbox.

DESIGN.md: worker → app only. The worker imports the app freely; the app imports the worker
here and nowhere else (tests/test_import_graph.py checks it), so what the app relies on is
this short list. Importing it never reaches the Docker engine: only judging and the image
and container functions below do, so pages and the CLI work on a machine without one.
"""

from __future__ import annotations

from worker.blobs import BlobError
from worker.languages import LANGUAGES, Language, get_language, language_for_filename
from worker.pipeline import SandboxFactory, SandboxFailure, judge_source
from worker.sandbox.api import SandboxError
from worker.sandbox.cli import sandbox_cli

# What judge_source raises when the judge, not the program, failed (no engine, no image,
# damaged test data, a runner fault): the caller reports it, never turns it into a verdict.
JUDGE_ERRORS: tuple[type[Exception], ...] = (SandboxError, SandboxFailure, BlobError)


def stale_images() -> list[str]:
    """Ids of the languages whose sandbox image is missing or outdated (SandboxError: no engine)."""
    from worker.sandbox.engine import get_client
    from worker.sandbox.images import is_current

    client = get_client()
    return [language for language in LANGUAGES if not is_current(client, language)]


def reap_orphan_sandboxes() -> int:
    """Remove this host's sandbox containers whose worker died; returns how many."""
    from worker.sandbox import reap_orphans

    return reap_orphans()


__all__ = [
    "JUDGE_ERRORS",
    "LANGUAGES",
    "Language",
    "SandboxFactory",
    "get_language",
    "judge_source",
    "language_for_filename",
    "reap_orphan_sandboxes",
    "sandbox_cli",
    "stale_images",
]
