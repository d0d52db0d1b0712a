"""Statement images kept with a challenge: upload, list, delete, and the lookup that serves them.

Images live as ChallengeFile rows under the statement folder of the problem package
(`statement/figure.png`, or `problem_statement/...` for imported legacy packages), so an
export carries them and a statement's `![](figure.png)` names them relative to that folder.
Only images whose bytes are PNG, JPEG, GIF or WebP are ever served; SVG is refused (it can
carry scripts), and other kept files (LaTeX sources, attachments/) are not served at all.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select

from app.blobs import store_blob
from app.challenges.access import may_see_challenge
from app.challenges.service import NOT_FOUND, can_edit, editable_challenge, get_by_slug
from app.errors import NotFound, TooLarge, ValidationError
from app.extensions import db
from app.models import Blob, Challenge, ChallengeFile, User

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGES_BYTES = 20 * 1024 * 1024
UPLOAD_FOLDER = "statement"
# The statement folders of a problem package (the legacy name second): images live in one.
STATEMENT_DIRS = ("statement", "problem_statement")
# The extensions each verified type may carry; the first is the one to suggest.
EXTENSIONS = {
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
}
IMAGE_EXTENSIONS = tuple(e for group in EXTENSIONS.values() for e in group)
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


@dataclass(frozen=True)
class StatementImage:
    """An image of a challenge: its name in the statement, size and stored hash."""

    name: str
    size: int
    sha256: str

    @property
    def snippet(self) -> str:
        """The Markdown that shows it in the statement."""
        return f"![{self.name.rsplit('.', 1)[0]}]({self.name})"


@dataclass(frozen=True)
class ServedFile:
    """What the files URL sends: bytes, their verified type and hash (the ETag)."""

    data: bytes
    content_type: str
    sha256: str


def image_type(data: bytes) -> str | None:
    """The image type the bytes really are (by their magic number), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def clean_name(filename: str) -> str:
    """A safe image file name (NFC, spaces as dashes) or ValidationError saying why not."""
    name = unicodedata.normalize("NFC", filename or "").strip()
    name = re.sub(r"\s+", "-", name)
    if not name:
        raise ValidationError("Choose an image file.", field="file")
    if "/" in name or "\\" in name or name.startswith(".") or ".." in name:
        raise ValidationError(
            f"{filename!r}: give a plain file name, without folders or '..'.", field="file"
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "svg":
        raise ValidationError(
            f"{name}: SVG images can carry scripts and are not accepted; upload a PNG instead.",
            field="file",
        )
    if extension not in IMAGE_EXTENSIONS:
        raise ValidationError(f"{name}: upload a PNG, JPEG, GIF or WebP image.", field="file")
    if not NAME_RE.match(name):
        raise ValidationError(
            f"{name}: file names take letters, digits, '.', '_' and '-' (up to 100).",
            field="file",
        )
    return name


def _in_statement(kept: ChallengeFile) -> str | None:
    """The path of a kept file relative to its statement folder, or None if outside one."""
    folder, _, rest = kept.path.partition("/")
    return rest if folder in STATEMENT_DIRS and rest else None


def _find(challenge: Challenge, name: str) -> ChallengeFile | None:
    """The kept statement file a statement's relative name refers to (statement/ first)."""
    by_path = {kept.path: kept for kept in challenge.files}
    candidates = [name]
    if "." not in name.rsplit("/", 1)[-1]:
        # LaTeX's \includegraphics{figure} leaves the extension to the reader.
        candidates += [f"{name}.{extension}" for extension in IMAGE_EXTENSIONS]
    for candidate in candidates:
        for folder in STATEMENT_DIRS:
            found = by_path.get(f"{folder}/{candidate}")
            if found is not None:
                return found
    return None


def statement_images(challenge: Challenge) -> list[StatementImage]:
    """The challenge's statement images by name (what the editor lists)."""
    named: dict[str, str] = {}
    # statement/ before problem_statement/, as _find resolves a name.
    for kept in sorted(challenge.files, key=lambda kept: kept.path.split("/", 1)[0] != "statement"):
        name = _in_statement(kept)
        if name and name.rsplit(".", 1)[-1].lower() in IMAGE_EXTENSIONS:
            named.setdefault(name, kept.sha256)
    found = db.session.execute(
        select(Blob.sha256, Blob.size).where(Blob.sha256.in_(set(named.values())))
    )
    sizes = {sha: size for sha, size in found}
    return [StatementImage(name, sizes.get(sha, 0), sha) for name, sha in sorted(named.items())]


def upload_image(user: User, slug: str, filename: str, data: bytes) -> StatementImage:
    """Keep an image with the challenge (replacing one of the same name); checked by content."""
    challenge = editable_challenge(user, slug)
    name = clean_name(filename)
    if len(data) > MAX_IMAGE_BYTES:
        raise TooLarge(f"{name}: images are capped at {MAX_IMAGE_BYTES // (1024 * 1024)} MB each.")
    kind = image_type(data)
    if kind is None:
        raise ValidationError(
            f"{name}: the file is not a PNG, JPEG, GIF or WebP image (its content was checked).",
            field="file",
        )
    extension = name.rsplit(".", 1)[-1].lower()
    if extension not in EXTENSIONS[kind]:
        raise ValidationError(
            f"{name}: the file is a {kind.split('/')[1].upper()} image; name it "
            f"{name.rsplit('.', 1)[0]}.{EXTENSIONS[kind][0]}.",
            field="file",
        )
    existing = _find(challenge, name)
    replaced = _in_statement(existing) if existing is not None else None
    others = sum(image.size for image in statement_images(challenge) if image.name != replaced)
    if others + len(data) > MAX_IMAGES_BYTES:
        raise TooLarge(
            f"{name}: a challenge's images are capped at {MAX_IMAGES_BYTES // (1024 * 1024)} MB "
            "in all; delete some first."
        )
    digest = store_blob(data)
    if existing is not None:
        existing.sha256 = digest
    else:
        db.session.add(
            ChallengeFile(challenge_id=challenge.id, path=f"{UPLOAD_FOLDER}/{name}", sha256=digest)
        )
    db.session.commit()
    return StatementImage(name, len(data), digest)


def delete_image(user: User, slug: str, name: str) -> None:
    """Remove a statement image (its blob stays: other challenges may share it)."""
    challenge = editable_challenge(user, slug)
    kept = _find(challenge, name) if "." in name else None
    if kept is None or name.rsplit(".", 1)[-1].lower() not in IMAGE_EXTENSIONS:
        raise NotFound("No such image.")
    challenge.files.remove(kept)
    db.session.commit()


def may_read_files(user: User | None, challenge: Challenge) -> bool:
    """Who sees a challenge's images: its editors; others if published and open to them."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None  # flask-login's anonymous user
    if user is not None and can_edit(user, challenge):
        return True
    if not challenge.published:
        return False
    if challenge.course_id is None:
        return True  # as the challenge page, public outside a course
    return user is not None and may_see_challenge(user, challenge)


def statement_file(user: User | None, slug: str, name: str) -> ServedFile:
    """A statement image for someone who may see the challenge; NotFound for anything else."""
    challenge = get_by_slug(slug)
    if challenge is None or not may_read_files(user, challenge):
        raise NotFound(NOT_FOUND)
    clean = posixpath.normpath(name)
    if clean.startswith(("../", "/")) or clean in ("..", "."):
        raise NotFound("No such file.")
    kept = _find(challenge, clean)
    blob = db.session.get(Blob, kept.sha256) if kept is not None else None
    kind = image_type(blob.data) if blob is not None else None
    if blob is None or kind is None:
        raise NotFound("No such file.")
    return ServedFile(blob.data, kind, blob.sha256)
