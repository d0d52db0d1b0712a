"""Read an upload (problem package or test-data zip, or a folder), refusing unsafe or huge ones."""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from app.errors import ValidationError


@dataclass(frozen=True)
class Caps:
    """Size limits of one package; defaults suit a classroom server."""

    package_bytes: int = 64 * 1024 * 1024  # the .zip (or folder) as given
    total_bytes: int = 256 * 1024 * 1024  # everything uncompressed
    file_bytes: int = 128 * 1024 * 1024  # one file uncompressed
    files: int = 5000
    # A bigger compression ratio than this, on a member larger than RATIO_FLOOR, is a bomb.
    ratio: int = 200


RATIO_FLOOR = 1024 * 1024
# What zipfile raises on a damaged archive besides BadZipFile: a corrupt deflate stream, a
# truncated member, a bad header field or name, an unknown compression method or encryption.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, IndexError, NotImplementedError,
           RuntimeError, OSError)  # fmt: skip


def _clean(name: str, where: str) -> str:
    """A package-relative POSIX path, or ValidationError for absolute or escaping names."""
    if "\\" in name or "\x00" in name:
        raise ValidationError(f"{where}: unsafe file name {name!r}")
    path = PurePosixPath(name)
    if path.is_absolute() or (path.parts and path.parts[0].endswith(":")):
        raise ValidationError(f"{where}: absolute path {name!r} is not allowed")
    if any(part == ".." for part in path.parts):
        raise ValidationError(f"{where}: path {name!r} leaves the package")
    return "/".join(part for part in path.parts if part not in ("", "."))


def strip_top(files: dict[str, bytes], markers: tuple[str, ...]) -> dict[str, bytes]:
    """Drop one top folder around everything (`hello/problem.yaml` -> `problem.yaml`) unless
    a marker file already sits at the top."""
    if any(marker in files for marker in markers):
        return files
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and all("/" in name for name in files):
        top = tops.pop() + "/"
        return {name[len(top) :]: data for name, data in files.items()}
    return files


def _strip_root(files: dict[str, bytes]) -> dict[str, bytes]:
    """Drop the package's own top folder (`hello/problem.yaml` -> `problem.yaml`)."""
    return strip_top(files, ("problem.yaml",))


def _ignored(name: str) -> bool:
    """Editor and OS clutter that is never part of a package."""
    parts = name.split("/")
    return any(part in ("__MACOSX", ".DS_Store", ".git") for part in parts)


def read_zip(data: bytes, caps: Caps = Caps(), label: str = "package") -> dict[str, bytes]:
    """The files of a zipped package, checked member by member before anything is kept."""
    import io

    if len(data) > caps.package_bytes:
        raise ValidationError(
            f"{label}: {len(data)} bytes is over the package limit of {caps.package_bytes}"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except DAMAGED as error:
        raise ValidationError(f"{label}: not a valid zip file ({error})") from error
    files: dict[str, bytes] = {}
    total = 0
    with archive:
        members = archive.infolist()
        if len(members) > caps.files:
            raise ValidationError(f"{label}: more than {caps.files} files")
        for info in members:
            name = _clean(info.filename, label)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise ValidationError(f"{name}: symbolic links are not allowed in a package")
            if not name or info.is_dir() or _ignored(name):
                continue
            if info.file_size > caps.file_bytes:
                raise ValidationError(f"{name}: larger than {caps.file_bytes} bytes uncompressed")
            if total + info.file_size > caps.total_bytes:
                raise ValidationError(
                    f"{name}: the package is larger than {caps.total_bytes} bytes uncompressed"
                )
            # Read with a hard cap: the header sizes are the archive's word, not a fact.
            limit = min(caps.file_bytes, caps.total_bytes - total)
            try:
                with archive.open(info) as stream:
                    content = stream.read(limit + 1)
            except DAMAGED as error:
                raise ValidationError(f"{name}: cannot be read from the zip ({error})") from error
            if len(content) > limit:
                raise ValidationError(f"{name}: expands beyond the package size limits")
            compressed = max(info.compress_size, 1)
            if len(content) > RATIO_FLOOR and len(content) / compressed > caps.ratio:
                raise ValidationError(
                    f"{name}: compression ratio over {caps.ratio}:1 (a zip bomb?)"
                )
            if name in files:
                raise ValidationError(f"{name}: appears twice in the zip")
            total += len(content)
            files[name] = content
    return _strip_root(files)


def repository_of(root: Path) -> Path | None:
    """The git checkout holding root (the nearest folder up with a .git), or None."""
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _link_allowed(full: Path, root: Path, repository: Path | None) -> bool:
    """Links stay inside the package, or (CLI) point at a readable file of the same checkout."""
    target = full.resolve()
    if target.is_relative_to(root):
        return True
    return (
        repository is not None
        and target.is_relative_to(repository)
        and target.is_file()
        and os.access(target, os.R_OK)
    )


def read_folder(
    root: Path, caps: Caps = Caps(), *, follow_repository_links: bool = False
) -> dict[str, bytes]:
    """The files of a package folder; links must stay inside it.

    With follow_repository_links (the command line's import of a checkout), a link to a
    readable file elsewhere in the same git repository is read as that file's content, as a
    `cp -rL` copy would have it: BAPCtools shares files between problems that way.
    """
    root = root.resolve()
    repository = repository_of(root) if follow_repository_links else None
    files: dict[str, bytes] = {}
    total = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = [d for d in sorted(dirnames) if not _ignored(d)]
        for dirname in list(dirnames):
            full = Path(dirpath) / dirname
            if full.is_symlink() and not full.resolve().is_relative_to(root):
                raise ValidationError(f"{full.relative_to(root)}: link points outside the package")
        for filename in sorted(filenames):
            full = Path(dirpath) / filename
            name = full.relative_to(root).as_posix()
            if _ignored(name):
                continue
            if full.is_symlink() and not _link_allowed(full, root, repository):
                where = "the package and its repository" if repository else "the package"
                raise ValidationError(f"{name}: link points outside {where}")
            if not full.is_file():
                continue
            size = full.stat().st_size
            if size > caps.file_bytes:
                raise ValidationError(f"{name}: larger than {caps.file_bytes} bytes")
            total += size
            if total > caps.total_bytes or total > caps.package_bytes:
                raise ValidationError(f"{name}: the package is over the size limit")
            if len(files) >= caps.files:
                raise ValidationError(f"{name}: the package has more than {caps.files} files")
            files[name] = full.read_bytes()
    return files


def read_package(
    path: Path, caps: Caps = Caps(), *, follow_repository_links: bool = False
) -> dict[str, bytes]:
    """A folder or a .zip/.kpp file, read into {relative path: bytes}."""
    if path.is_dir():
        return read_folder(path, caps, follow_repository_links=follow_repository_links)
    if not path.is_file():
        raise ValidationError(f"{path}: no such folder or file")
    if path.stat().st_size > caps.package_bytes:
        raise ValidationError(f"{path.name}: over the package limit of {caps.package_bytes} bytes")
    return read_zip(path.read_bytes(), caps, label=path.name)
