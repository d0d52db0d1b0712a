"""The judge's languages as the app sees them: ids, names, extensions, editor modes, builds.

The one place the app reads the registry (worker/languages/), the only language list. Every
call reads it afresh, so nothing here keeps a copy that could disagree with the judge.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.judging.runner import LANGUAGES, Language, language_for_code, language_for_filename

# A source of a language the registry doesn't know is still saved under some name.
UNKNOWN_EXTENSION = ".txt"


def all_languages() -> list[Language]:
    """Every language, in the registry's listing order."""
    return list(LANGUAGES.values())


def ids() -> tuple[str, ...]:
    """The language ids, in listing order."""
    return tuple(LANGUAGES)


def is_known(language_id: str | None) -> bool:
    """Whether the judge knows this language id."""
    return language_id in LANGUAGES


def name(language_id: str) -> str:
    """The display name of a language (its id if the registry doesn't know it)."""
    language = LANGUAGES.get(language_id)
    return language.name if language else language_id


def choices() -> list[tuple[str, str]]:
    """(id, display name) of every language, for select fields."""
    return [(language.id, language.name) for language in LANGUAGES.values()]


def extension(language_id: str) -> str:
    """The extension a source of this language is saved and exported under."""
    language = LANGUAGES.get(language_id)
    return language.extensions[0] if language else UNKNOWN_EXTENSION


def source_file(language_id: str, source: str) -> str:
    """The name the judge saves a main file under (Java's follows its class)."""
    language = LANGUAGES.get(language_id)
    return language.source_file(source) if language else "source" + UNKNOWN_EXTENSION


def main_file_names(language_id: str) -> tuple[str, ...]:
    """The names that make a file the main one of a program of several."""
    language = LANGUAGES.get(language_id)
    return language.main_file_names() if language else ()


def language_for_path(path: str) -> str | None:
    """The language id a file name's extension means (the Kattis table), or None."""
    language = language_for_filename(path)
    return language.id if language else None


def several_files(language_id: str) -> bool:
    """Whether a program in this language may be several files (the editor's tabs)."""
    language = LANGUAGES.get(language_id)
    return bool(language and language.several_files)


_DEFINES_MAIN = re.compile(rb"\bmain\s*\(")


def entry_point(language_id: str, files: Mapping[str, bytes]) -> str | None:
    """The file a program of several starts from, as the Kattis languages table says: its one
    source file, else a main file by name, else the one source that defines main (compiled
    languages); None when no single file is it."""
    language = LANGUAGES.get(language_id)
    if language is None:
        return None
    sources = sorted(name for name in files if language_for_path(name) == language_id)
    if len(sources) == 1:
        return sources[0]
    named = [name for name in language.main_file_names() if name in sources]
    if named:
        return named[0]
    if language.compile is None or language.compile_checks_only:
        return None
    with_main = [name for name in sources if _DEFINES_MAIN.search(files[name])]
    return with_main[0] if len(with_main) == 1 else None


def from_code(code: str) -> str:
    """The id a package's language code names (Kattis, DOMjudge aliases); unknown kept as is."""
    language = language_for_code(code)
    return language.id if language else code


def editor_data(allowed: list[str] | None = None) -> list[dict[str, Any]]:
    """What the browser editor needs per language: id, name, extensions and CodeMirror mode."""
    return [
        {
            "id": language.id,
            "name": language.name,
            "extensions": list(language.extensions),
            "mode": language.editor_mode,
            "several_files": language.several_files,
            "helper_extensions": list(language.helper_extensions),
            "main_names": list(language.main_file_names()),
        }
        for language in LANGUAGES.values()
        if allowed is None or language.id in allowed
    ]


@dataclass(frozen=True)
class Build:
    """How the judge builds and runs one language, as the languages page shows it."""

    id: str
    name: str
    version: str
    extensions: tuple[str, ...]
    compile: str
    run: str
    compile_checks_only: bool


def builds() -> list[Build]:
    """Compiler, version and flags of every language, in listing order."""
    return [
        Build(
            id=language.id,
            name=language.name,
            version=language.version,
            extensions=language.extensions,
            compile=language.shown_command(language.compile),
            run=language.shown_command(language.run),
            compile_checks_only=language.compile_checks_only,
        )
        for language in LANGUAGES.values()
    ]
