"""Export a Challenge as a Kattis problem package (2023-07-draft layout) in a .zip."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from typing import Any

import yaml
from sqlalchemy import select

from app.extensions import db
from app.judging import languages
from app.models import Blob, Challenge, ReferenceSolution
from app.packages.config import DRAFT, FOLDER_FOR_VERDICT, validator_flags
from app.packages.reader import EXTENSION_FILE

# A fixed timestamp keeps the bytes of two exports of the same challenge identical.
_EPOCH = (2020, 1, 1, 0, 0, 0)
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def _dump(value: dict[str, Any]) -> bytes:
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True).encode()


def _blob(sha256: str) -> bytes:
    data = db.session.scalar(select(Blob.data).where(Blob.sha256 == sha256))
    assert data is not None, f"missing blob {sha256}"
    return data


def _problem_yaml(challenge: Challenge) -> dict[str, Any]:
    meta = challenge.package_meta or {}
    language = meta.get("statement_language", "en")
    names = dict(meta.get("names") or {})
    names[language] = challenge.title
    doc: dict[str, Any] = {"problem_format_version": DRAFT}
    if any(group.points for group in challenge.groups):
        doc["type"] = "scoring"
    doc["name"] = challenge.title if list(names) == ["en"] else names
    doc["uuid"] = meta.get("uuid") or str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"codedev:{challenge.slug}")
    )
    for key in ("version", "credits", "source", "license", "rights_owner"):
        if key in meta:
            doc[key] = meta[key]
    limits: dict[str, Any] = {}
    timing = meta.get("time_multipliers") or {}
    if "ac_to_time_limit" in timing:
        limits["time_multipliers"] = {
            "ac_to_time_limit": timing["ac_to_time_limit"],
            "time_limit_to_tle": timing["time_limit_to_tle"],
        }
        limits["time_resolution"] = timing["time_resolution"]
    if not meta.get("time_limit_pending"):
        limits["time_limit"] = challenge.time_limit_ms / 1000
    limits["memory"] = challenge.memory_limit_mb
    limits["output"] = max(1, -(-challenge.output_limit_kb // 1024))
    doc["limits"] = limits
    if challenge.tags:
        doc["keywords"] = list(challenge.tags)
    if challenge.languages is not None:
        doc["languages"] = list(challenge.languages)
    return doc


def _solution_path(solution: ReferenceSolution, taken: set[str]) -> str | None:
    folder = FOLDER_FOR_VERDICT.get(solution.expected_verdict)
    if folder is None:
        return None
    extension = languages.extension(solution.language)
    base = solution.name.split("/", 1)[1] if solution.name.startswith(folder + "/") else ""
    if not base or "/" in base or not base.endswith(extension):
        stem = _SAFE.sub("_", solution.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]).strip("._-")
        if solution.language == "java":
            stem = "Main"
        base = (stem or f"solution{solution.id}") + extension
    path = f"submissions/{folder}/{base}"
    counter = 2
    while path in taken:
        path = f"submissions/{folder}/{base[: -len(extension)]}_{counter}{extension}"
        counter += 1
    taken.add(path)
    return path


def package_files(challenge: Challenge) -> dict[str, bytes]:
    """The package as {path: bytes}, before zipping."""
    meta = challenge.package_meta or {}
    files: dict[str, bytes] = {"problem.yaml": _dump(_problem_yaml(challenge))}
    language = meta.get("statement_language", "en")
    files[f"statement/problem.{language}.md"] = challenge.statement_md.encode()
    for kept in challenge.files:
        files.setdefault(kept.path, _blob(kept.sha256))
    by_id = {group.id: group for group in challenge.groups}
    for test in challenge.tests:
        group = by_id.get(test.group_id) if test.group_id else None
        folder = "data/sample" if test.is_sample else "data/secret"
        if group is not None and not test.is_sample:
            folder += "/" + group.name
        files[f"{folder}/{test.name}.in"] = _blob(test.input_sha256)
        files[f"{folder}/{test.name}.ans"] = _blob(test.answer_sha256)
    for group in challenge.groups:
        files[f"data/secret/{group.name}/test_group.yaml"] = _dump(
            {"scoring": {"score": group.points, "aggregation": "min"}}
        )
    custom = challenge.checker == "custom"
    flags = validator_flags(challenge.checker_options or {}, custom=custom)
    if challenge.checker == "exact":
        flags = ["case_sensitive", "space_change_sensitive"]
    if flags:
        files["data/test_group.yaml"] = _dump({"output_validator_args": flags})
    if custom and challenge.checker_source is not None:
        extension = languages.extension(challenge.checker_language or "")
        files[f"output_validator/validator{extension}"] = challenge.checker_source.encode()
    solutions = db.session.scalars(
        select(ReferenceSolution)
        .where(ReferenceSolution.challenge_id == challenge.id)
        .order_by(ReferenceSolution.id)
    )
    taken: set[str] = set()
    for solution in solutions:
        path = _solution_path(solution, taken)
        if path is not None:
            files[path] = solution.source.encode()
    extension_doc: dict[str, Any] = {
        "difficulty": challenge.difficulty,
        "stop_on_first_failure": challenge.stop_on_first_failure,
        "output_limit_kb": challenge.output_limit_kb,
    }
    if "time_multipliers" in meta:
        extension_doc["timing"] = {
            "format": meta.get("format", DRAFT),
            "time_multipliers": meta["time_multipliers"],
        }
    if challenge.starter_code:
        extension_doc["starter_code"] = dict(challenge.starter_code)
    files[EXTENSION_FILE] = _dump(extension_doc)
    return files


def export_package(challenge: Challenge) -> bytes:
    """The challenge as a zipped problem package the importer reads back identically."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted(package_files(challenge).items()):
            info = zipfile.ZipInfo(f"{challenge.slug}/{path}", date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
