"""The app's one seam to the worker: everything the app needs of the judge goes through here."""

from __future__ import annotations

from collections.abc import Iterable

from worker.languages import LANGUAGES
from worker.sandbox import ServiceUnavailable as SandboxUnavailable
from worker.sandbox import ensure_images
from worker.sandbox.engine import get_client
from worker.sandbox.images import is_current


def missing_images() -> list[str]:
    """Languages whose sandbox image is missing or outdated; SandboxUnavailable without an engine."""
    client = get_client()
    return [language_id for language_id in LANGUAGES if not is_current(client, language_id)]


def build_images(languages: Iterable[str] | None = None) -> list[str]:
    """Build the missing or outdated images (all languages by default); the ids built."""
    return ensure_images(languages)


__all__ = ["SandboxUnavailable", "build_images", "missing_images"]
