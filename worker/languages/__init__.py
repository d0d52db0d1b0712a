"""Language registry: one module per language, each defining LANGUAGE."""

from __future__ import annotations

from worker.languages import c, cpp, java, javascript, python3
from worker.languages.base import Language

LANGUAGES: dict[str, Language] = {
    module.LANGUAGE.id: module.LANGUAGE for module in (python3, c, cpp, java, javascript)
}


def get_language(language_id: str) -> Language:
    """The language with this id; KeyError names the known ones."""
    try:
        return LANGUAGES[language_id]
    except KeyError:
        raise KeyError(
            f"unknown language {language_id!r} (known: {', '.join(LANGUAGES)})"
        ) from None


def language_for_filename(name: str) -> Language | None:
    """The language a file name's extension means, as Kattis infers it; None if unknown."""
    lowered = name.lower()
    for language in LANGUAGES.values():
        if any(lowered.endswith(ext) for ext in language.extensions):
            return language
    return None


__all__ = ["LANGUAGES", "Language", "get_language", "language_for_filename"]
