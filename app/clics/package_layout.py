"""Where a contest package keeps what the importer reads, in each layout met: the spec's
(Contest_Package.md) and the unpacked one codedev wrote before, made one before the package
is checked, so the importer reads a single layout.

- problems.yaml and accounts.yaml: the YAML variants of problems.json and accounts.json.
- A submission's sources: the spec stores its files reference (one zip) as
  submissions/<id>/<filename> (e.g. files.zip); unpacked under submissions/<id>/files/.
- A problem's Kattis package: the spec stores its package reference as
  problems/<id>/<filename> (e.g. problems/asteroids/asteroids.zip); some tools write
  problems/<id>.zip; unpacked under problems/<id>/, where an unpacked one already is.
"""

from __future__ import annotations

from typing import Any

import yaml

from app.archives import Caps, read_zip, strip_top
from app.errors import ValidationError

YAML_VARIANTS = ("problems", "accounts")  # the endpoints the spec lets humans write in YAML
SOURCE_CAPS = Caps(package_bytes=1024 * 1024, total_bytes=4 * 1024 * 1024, files=100)
PROBLEM_CAPS = Caps()  # a problem package's own limits, as a problem upload has
# Everything the nested zips of one package unpack to, together: each zip has its own caps,
# but fifteen thousand small ones must not fill the web process's memory.
UNPACKED_BYTES = 512 * 1024 * 1024


def endpoint_file(files: dict[str, bytes], endpoint: str) -> str | None:
    """The file holding an endpoint's objects: <endpoint>.json, or its YAML variant."""
    for name in (f"{endpoint}.json", f"{endpoint}.yaml"):
        if name in files and (name.endswith(".json") or endpoint in YAML_VARIANTS):
            return name
    return None


def yaml_items(data: bytes, name: str) -> list[tuple[Any, int]]:
    """A YAML sequence's items, each with the line it starts on; ValidationError otherwise."""
    try:
        node = yaml.compose(data)
        items = yaml.safe_load(data)
    except yaml.YAMLError as error:
        raise ValidationError(f"{name}: not YAML ({error})") from error
    if items is None:
        return []
    if not isinstance(items, list) or not isinstance(node, yaml.SequenceNode):
        raise ValidationError(f"{name}:1: must be a YAML sequence")
    return [
        (item, child.start_mark.line + 1) for item, child in zip(items, node.value, strict=True)
    ]


def unpack(files: dict[str, bytes], objects: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """Unpack the spec's zipped sources and problem packages in place; a warning for each
    problem whose package is named but missing. ValidationError names a zip it cannot read."""
    warnings: list[str] = []
    budget = _Budget(UNPACKED_BYTES)
    folders: dict[str, list[str]] = {}  # "submissions/<id>/" -> the names in it, any depth
    for name in files:
        parts = name.split("/", 2)
        if len(parts) == 3:
            folders.setdefault(f"{parts[0]}/{parts[1]}/", []).append(parts[2])
    for sent_id, sent in objects.get("submissions", {}).items():
        folder = f"submissions/{sent_id}/"
        inside = folders.get(folder, [])
        if any(n.startswith("files/") for n in inside):
            continue  # unpacked already
        archive = _referenced(folder, inside, sent.get("files"))
        if archive is not None:
            found = budget.spent(archive, read_zip(files[archive], SOURCE_CAPS, label=archive))
            files.update({f"{folder}files/{n}": d for n, d in found.items()})
    for problem_id, problem in objects.get("problems", {}).items():
        folder = f"problems/{problem_id}/"
        inside = folders.get(folder, [])
        if "problem.yaml" in inside:
            continue  # unpacked already
        archive = _referenced(folder, inside, problem.get("package"))
        if archive is None and f"problems/{problem_id}.zip" in files:
            archive = f"problems/{problem_id}.zip"
        if archive is None:
            if problem.get("package"):
                warnings.append(f"problems: {problem_id!r} names a package the package lacks")
            continue
        found = strip_top(
            budget.spent(archive, read_zip(files[archive], PROBLEM_CAPS, label=archive)),
            ("problem.yaml",),
        )
        files.update({folder + n: d for n, d in found.items()})
    return warnings


def _referenced(folder: str, inside: list[str], refs: Any) -> str | None:
    """The zip a file reference names in folder, or the one zip there if it names none."""
    named = (
        [r.get("filename") for r in refs if isinstance(r, dict)] if isinstance(refs, list) else []
    )
    for filename in named:
        if isinstance(filename, str) and filename in inside:
            return folder + filename
    zips = [n for n in inside if "/" not in n and n.lower().endswith(".zip")]
    return folder + zips[0] if len(zips) == 1 else None


class _Budget:
    """The bytes the nested zips of one package may still unpack to."""

    def __init__(self, left: int) -> None:
        self.left = left

    def spent(self, archive: str, found: dict[str, bytes]) -> dict[str, bytes]:
        self.left -= sum(len(data) for data in found.values())
        if self.left < 0:
            raise ValidationError(
                f"{archive}: the package's zipped sources and problems unpack to more than "
                f"{UNPACKED_BYTES // (1024 * 1024)} MB together"
            )
        return found
