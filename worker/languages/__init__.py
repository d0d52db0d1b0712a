"""Language registry: one module per language, each defining LANGUAGE; the only language list.

Adding a language is one file here plus one image folder in sandbox_images/; the app's forms,
pages, API document and editor all read this registry.
"""

from __future__ import annotations

import importlib
import pkgutil

from worker.languages.base import Language


def _discover() -> dict[str, Language]:
    """Every module of this package that defines LANGUAGE, in listing order."""
    found = []
    for module in pkgutil.iter_modules(__path__):
        language = getattr(importlib.import_module(f"{__name__}.{module.name}"), "LANGUAGE", None)
        if isinstance(language, Language):
            found.append(language)
    return {language.id: language for language in sorted(found, key=lambda x: (x.order, x.id))}


LANGUAGES: dict[str, Language] = _discover()


def get_language(language_id: str) -> Language:
    """The language with this id; KeyError names the known ones."""
    try:
        return LANGUAGES[language_id]
    except KeyError:
        raise KeyError(
            f"unknown language {language_id!r} (known: {', '.join(LANGUAGES)})"
        ) from None


def language_for_filename(name: str) -> Language | None:
    """The language a file name's extension means, as Kattis infers it; None if unknown.

    Exact case wins (.C is C++, .c is C), then any case (.PY is Python).
    """
    for lowered in (False, True):
        candidate = name.lower() if lowered else name
        for language in LANGUAGES.values():
            if any(candidate.endswith(ext) for ext in language.extensions):
                return language
    return None


def language_for_code(code: str) -> Language | None:
    """The language a package or contest system names by its id or an alias; None if unknown."""
    wanted = code.strip().lower()
    for language in LANGUAGES.values():
        if wanted == language.id or wanted in language.aliases:
            return language
    return None


__all__ = ["LANGUAGES", "Language", "get_language", "language_for_code", "language_for_filename"]
