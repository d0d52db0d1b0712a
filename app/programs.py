"""Programs of one file or several: names, sizes and text checked, the main file found.

One file is the whole program; several are a folder program (the editor's tabs, the API's
`files`, a CLICS zip, an author's upload), whose main file the language registry finds as the Kattis format
says (languages.entry_point) unless the sender names it. Nothing is stored before all pass.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import current_app

from app.errors import ValidationError
from app.judging import languages
from app.models import Submission

# A plain file name: no folder, no `..`, no hidden file, nothing a shell or zip reads twice.
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_+\-]*(\.[A-Za-z0-9_+\-]+)*")
MAX_NAME = 100

SentFile = tuple[str, str | bytes]  # (file name, content) as a client sent it


@dataclass(frozen=True)
class Program:
    """What is stored: the main file (name and text) and the other files by name."""

    source: str
    source_name: str = ""
    others: dict[str, str] = field(default_factory=dict)


def one_file(content: str | bytes) -> Program:
    """A program of one unnamed file."""
    return Program(source=_text(content, "The source"))


def several(language: str, sent: Sequence[SentFile], entry: str | None = None) -> Program:
    """A program of the files sent, its main file `entry` or the language's (see module doc)."""
    if not sent:
        raise ValidationError("No files were sent.", field="files")
    limit = int(current_app.config["MAX_SUBMISSION_FILES"])
    if len(sent) > limit:
        raise ValidationError(
            f"{len(sent)} files were sent; at most {limit} are accepted.",
            code="too_many_files",
            field="files",
        )
    if len(sent) > 1 and not languages.several_files(language):
        raise ValidationError(f"A {languages.name(language)} program is one file.", field="files")
    texts: dict[str, str] = {}
    for name, content in sent:
        check_name(name)
        if name.lower() in {known.lower() for known in texts}:
            raise ValidationError(f"Two files are named {name!r}.", field="files")
        texts[name] = _text(content, name, allow_empty=len(sent) > 1)
    _check_total(sum(len(text.encode()) for text in texts.values()))
    main = _main_file(language, texts, entry)
    if not texts[main].strip():
        raise ValidationError(f"The main file {main!r} is empty.", field="files")
    others = {name: text for name, text in texts.items() if name != main}
    saved_as = languages.source_file(language, texts[main])
    if saved_as in others:
        raise ValidationError(
            f"{saved_as!r} is the name the judge gives the main file ({main!r}): "
            "rename one of them.",
            field="files",
        )
    return Program(source=texts[main], source_name=main, others=others)


def check_name(name: str) -> None:
    """A ValidationError unless name is a plain file name (no folder, `..` or hidden file)."""
    if not isinstance(name, str) or not name:
        raise ValidationError("Every file needs a name.", field="files")
    if "/" in name or "\\" in name or ".." in name:
        raise ValidationError(
            f"The file name {name!r} must not contain '/', '\\' or '..'.", field="files"
        )
    if len(name) > MAX_NAME or not _NAME.fullmatch(name):
        raise ValidationError(
            f"The file name {name!r} is not a plain name (letters, digits, _ + - and dots, "
            f"at most {MAX_NAME} characters, not starting with a dot).",
            field="files",
        )


def _main_file(language: str, texts: dict[str, str], entry: str | None) -> str:
    if entry:
        if entry not in texts:
            raise ValidationError(f"The main file {entry!r} is not among the files.", field="entry")
        if languages.language_for_path(entry) != language:
            raise ValidationError(
                f"The main file {entry!r} is not a {languages.name(language)} source.",
                field="entry",
            )
        return entry
    found = languages.entry_point(language, {n: t.encode() for n, t in texts.items()})
    if found is None:
        raise ValidationError(
            f"Which file is the main one? Name it (`entry`), or call it "
            f"{' or '.join(languages.main_file_names(language))}.",
            field="entry",
        )
    return found


def _check_total(size: int) -> None:
    limit = int(current_app.config["MAX_SOURCE_BYTES"])
    if size > limit:
        raise ValidationError(
            f"The source is {size} bytes; at most {limit} bytes are accepted.",
            code="source_too_large",
        )


def _text(content: str | bytes, what: str, *, allow_empty: bool = False) -> str:
    """Content as text, or a ValidationError: too large, empty, binary or not UTF-8."""
    if isinstance(content, bytes):
        data = content
    elif isinstance(content, str):
        try:
            data = content.encode("utf-8")
        except UnicodeEncodeError as error:  # lone surrogates from a bad decode upstream
            raise ValidationError(f"{what} is not valid UTF-8 text.") from error
    else:
        raise ValidationError(f"{what}: the content must be text.", field="files")
    _check_total(len(data))
    if not allow_empty and not data.strip():
        raise ValidationError(f"{what} is empty.")
    if b"\x00" in data:
        raise ValidationError(f"{what} looks binary (it contains NUL bytes).")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValidationError(f"{what} is not valid UTF-8 text.") from error


def files_of(submission: Submission) -> list[tuple[str, str]]:
    """Every file of a submission, the main one first, each with its name (a one-file
    submission's name is the one the judge saves it under)."""
    name = submission.source_name or languages.source_file(submission.language, submission.source)
    return [(name, submission.source), *submission.other_files.items()]
