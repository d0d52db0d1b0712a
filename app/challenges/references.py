"""An author's reference solution of several files (uploaded files, or one zip of them).

Kept as a package import keeps a folder program: the main file's text on the
ReferenceSolution, every file as a ChallengeFile under submissions/<name>/, which validation
hands to the judge beside the main file (validation/solutions.program_files).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import select

from app import programs
from app.archives import Caps, read_zip
from app.blobs import store_blob
from app.challenges.service import VERDICTS, editable_challenge, invalidate
from app.errors import ValidationError
from app.extensions import db
from app.judging import languages
from app.models import Blob, ChallengeFile, ReferenceSolution, User

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
ZIP_CAPS = Caps(package_bytes=1024 * 1024, total_bytes=1024 * 1024, file_bytes=256 * 1024,
                files=50)  # fmt: skip


def unpacked(uploads: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The files uploaded: one .zip is opened (a single top folder in it dropped)."""
    if len(uploads) == 1 and uploads[0][0].lower().endswith(".zip"):
        members = read_zip(uploads[0][1], ZIP_CAPS, label=uploads[0][0])
        tops = {name.split("/", 1)[0] for name in members}
        if len(tops) == 1 and all("/" in name for name in members):
            members = {name.split("/", 1)[1]: data for name, data in members.items()}
        return sorted(members.items())
    return [(name.rsplit("/", 1)[-1], data) for name, data in uploads]


def add_reference_files(
    user: User,
    slug: str,
    name: str,
    language: str,
    uploads: Sequence[tuple[str, bytes]],
    expected: str,
    entry: str | None = None,
) -> ReferenceSolution:
    """A reference solution of several files with the verdict it should get; the files are
    checked as a student's would be (names, sizes, text, main file)."""
    challenge = editable_challenge(user, slug)
    if not languages.is_known(language):
        raise ValidationError(f"Unknown language {language!r}.", field="language")
    if expected not in VERDICTS:
        raise ValidationError(f"Unknown verdict {expected!r}.", field="expected_verdict")
    program = programs.several(language, unpacked(uploads), entry)
    folder = _UNSAFE.sub("_", name.strip()).strip("_")[:60] or "solution"
    taken = db.session.scalars(
        select(ReferenceSolution.name).where(ReferenceSolution.challenge_id == challenge.id)
    )
    if folder in set(taken):
        raise ValidationError(f"A reference solution is named {folder!r} already.", field="name")
    solution = ReferenceSolution(
        challenge_id=challenge.id, name=folder, language=language,
        source=program.source, expected_verdict=expected,
    )  # fmt: skip
    db.session.add(solution)
    pending: dict[str, Blob] = {}
    for file_name, text in [(program.source_name, program.source), *program.others.items()]:
        sha256 = store_blob(text.encode(), pending)
        path = f"submissions/{folder}/{file_name}"
        db.session.add(ChallengeFile(challenge_id=challenge.id, path=path, sha256=sha256))
    invalidate(challenge)
    db.session.commit()
    return solution


def files_of(solution: ReferenceSolution) -> list[str]:
    """The names of a reference solution's files (empty for one file)."""
    folder = f"submissions/{solution.name}/"
    return sorted(
        path[len(folder) :]
        for path in db.session.scalars(
            select(ChallengeFile.path).where(
                ChallengeFile.challenge_id == solution.challenge_id,
                ChallengeFile.path.startswith(folder),
            )
        )
    )
