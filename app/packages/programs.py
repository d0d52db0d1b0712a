"""A package program (one file or a folder) as one source text codedev can compile."""

from __future__ import annotations

import re

from app.errors import ValidationError
from app.judging.languages import entry_point
from app.packages.config import language_for_path

_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"[ \t]*$', re.M)


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(f"{where}: source is not UTF-8 ({error.reason})") from error


def _inline(source: str, files: dict[str, bytes], where: str, seen: set[str]) -> str:
    """Paste local "header" includes into a C/C++ source, once each."""

    def paste(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in files:
            return match.group(0)  # a system header after all
        if name in seen:
            return ""
        seen.add(name)
        header = _decode(files[name], f"{where}/{name}")
        return _inline(header, files, where, seen)

    return _INCLUDE.sub(paste, source)


def program_source(files: dict[str, bytes], where: str) -> tuple[str, str]:
    """(language, source) of a program given as {relative name: bytes}."""
    if any(name in ("build", "run") for name in files):
        raise ValidationError(f"{where}: build/run scripts are not supported")
    sources = {name: data for name, data in files.items() if language_for_path(name)}
    if not sources:
        raise ValidationError(f"{where}: no source file in a known language")
    languages = {language_for_path(name) for name in sources}
    if len(languages) > 1:
        raise ValidationError(f"{where}: mixes languages {sorted(languages)}")  # type: ignore[type-var]
    language = languages.pop()
    assert language is not None
    if len(sources) == 1:
        name, data = next(iter(sources.items()))
        source = _decode(data, f"{where}/{name}" if name != where else where)
        if language in ("c", "cpp"):
            source = _inline(source, files, where, set())
        if language == "python3" and re.match(r"#!.*python2", source):
            raise ValidationError(f"{where}: Python 2 is not supported")
        return language, source
    raise ValidationError(f"{where}: multi-file programs are not supported (one source file)")


def folder_program(
    files: dict[str, bytes], where: str, entrypoint: str | None = None
) -> tuple[str, str, str]:
    """(language, entry file, entry source) of a program of several files in one folder.

    The entry is submissions.yaml's `entrypoint`, else the language's (see
    languages.entry_point); the other files are compiled beside it."""
    if any("/" in name for name in files):
        raise ValidationError(f"{where}: programs with subfolders are not supported")
    if any(name in ("build", "run") for name in files):
        raise ValidationError(f"{where}: build/run scripts are not supported")
    sources = {name: data for name, data in files.items() if language_for_path(name)}
    languages = {language_for_path(name) for name in sources}
    if not sources:
        raise ValidationError(f"{where}: no source file in a known language")
    if len(languages) > 1:
        raise ValidationError(f"{where}: mixes languages {sorted(languages)}")  # type: ignore[type-var]
    language = languages.pop()
    assert language is not None
    if entrypoint is not None:
        if entrypoint not in sources:
            raise ValidationError(f"{where}: the entrypoint {entrypoint!r} is not in the folder")
        entry: str | None = entrypoint
    else:
        entry = entry_point(language, sources)
    if entry is None:
        raise ValidationError(f"{where}: no entry point (name it in submissions.yaml `entrypoint`)")
    return language, entry, _decode(sources[entry], f"{where}/{entry}")
