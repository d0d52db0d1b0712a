"""The program of an imported package's submission (submissions/<id>/files/...), checked as
a program sent any other way is (app/programs.py): a bad one refuses the whole import, naming
the submission, before anything is kept.
"""

from __future__ import annotations

from typing import Any

from app import programs
from app.clics.package_reader import ContestPackage, PackageError
from app.errors import ValidationError

Stored = tuple[str, str, list[dict[str, str]] | None]  # main text, main name, the others


def program(package: ContestPackage, sent_id: str, sent: dict[str, Any], language: str) -> Stored:
    """What a Submission stores of the package's files of this submission: nothing without
    any; one file as it is (a recorded contest's sources, whatever their encoding); several
    as the submitting service takes them, starting at the submission's entry_point if given."""
    prefix = f"submissions/{sent_id}/files/"
    found = {
        name[len(prefix) :]: data for name, data in sorted(package.files.items())
        if name.startswith(prefix)
    }  # fmt: skip
    if not found:
        return "", "", None
    if len(found) == 1:
        return next(iter(found.values())).decode(errors="replace"), "", None
    entry = sent.get("entry_point")
    try:
        checked = programs.several(language, list(found.items()), str(entry) if entry else None)
    except ValidationError as error:
        where = package.where.get(("submissions", sent_id), "submissions")
        raise PackageError(f"{where}: submission {sent_id!r}: {error.message}") from error
    others = [{"name": name, "text": text} for name, text in checked.others.items()]
    return checked.source, checked.source_name, others
