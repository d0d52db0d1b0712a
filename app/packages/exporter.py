"""Export a Challenge as a Kattis problem package (in the format it came in) in a .zip."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import yaml
from sqlalchemy import select

from app.challenges.files import STATEMENT_DIRS
from app.challenges.validation.timing import LEGACY
from app.extensions import db
from app.judging import languages
from app.models import Blob, Challenge, ReferenceSolution
from app.packages.config import BY_RULES, FOLDER_FOR_VERDICT
from app.packages.format2025 import substitute
from app.packages.latex import latex_to_markdown
from app.packages.problem_yaml import export_format, group_files, problem_yaml
from app.packages.reader import EXTENSION_FILE, STATEMENT_RE

# A fixed timestamp keeps the bytes of two exports of the same challenge identical.
_EPOCH = (2020, 1, 1, 0, 0, 0)
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def _dump(value: dict[str, Any]) -> bytes:
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True).encode()


def _blob(sha256: str) -> bytes:
    data = db.session.scalar(select(Blob.data).where(Blob.sha256 == sha256))
    assert data is not None, f"missing blob {sha256}"
    return data


def _solution_path(solution: ReferenceSolution, taken: set[str]) -> str | None:
    extension = languages.extension(solution.language)
    if solution.expected_verdict == BY_RULES:
        # Judged by submissions.yaml: its own path is what the rules' globs match.
        path = f"submissions/{solution.name}"
        if "/" not in solution.name or path in taken:
            return None
        taken.add(path)
        return path
    folder = FOLDER_FOR_VERDICT.get(solution.expected_verdict)
    if folder is None:
        return None
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


def _authored_folders(challenge: Challenge) -> dict[str, str]:
    """Folder programs an author added in the browser (submissions/<name>/), moved into the
    folder of their expected verdict as the format wants them."""
    moved = {}
    for solution in db.session.scalars(
        select(ReferenceSolution).where(ReferenceSolution.challenge_id == challenge.id)
    ):
        folder = FOLDER_FOR_VERDICT.get(solution.expected_verdict)
        if "/" not in solution.name and folder is not None:
            moved[f"submissions/{solution.name}"] = f"submissions/{folder}/{solution.name}"
    return moved


def _statement_language(path: str) -> str | None:
    """The language of a statement file (statement/problem.<language>.md or .tex), or None."""
    folder, _, base = path.rpartition("/")
    match = STATEMENT_RE.match(base) if folder in STATEMENT_DIRS else None
    return (match.group(1) or "en") if match else None


def _unchanged_latex(challenge: Challenge, language: str) -> str | None:
    """The path of the kept LaTeX statement the challenge's Markdown was made from, while it
    is unchanged (an export writes it back instead); None once the Markdown was edited."""
    constants = (challenge.package_meta or {}).get("constants", {})
    for kept in challenge.files:
        if kept.path.endswith(".tex") and _statement_language(kept.path) == language:
            source = substitute(_blob(kept.sha256).decode("utf-8-sig", "replace"), constants)
            if latex_to_markdown(source) == challenge.statement_md:
                return kept.path
    return None


def package_files(challenge: Challenge) -> dict[str, bytes]:
    """The package as {path: bytes}, before zipping."""
    meta = challenge.package_meta or {}
    version = export_format(challenge)
    files: dict[str, bytes] = {"problem.yaml": _dump(problem_yaml(challenge))}
    language = meta.get("statement_language", "en")
    statement_dir = "problem_statement" if version == LEGACY else "statement"
    latex = _unchanged_latex(challenge, language)
    if latex is None:
        files[f"{statement_dir}/problem.{language}.md"] = challenge.statement_md.encode()
    moved = _authored_folders(challenge)
    for kept in challenge.files:
        if _statement_language(kept.path) == language and kept.path != latex:
            continue  # one statement file per language: the one written above, or the .tex
        folder = kept.path.rsplit("/", 1)[0]
        target = moved.get(folder, folder) + kept.path[len(folder) :]
        files.setdefault(target, _blob(kept.sha256))
    by_id = {group.id: group for group in challenge.groups}
    for test in challenge.tests:
        group = by_id.get(test.group_id) if test.group_id else None
        folder = "data/sample" if test.is_sample else "data/secret"
        if group is not None and not test.is_sample:
            folder += "/" + group.name
        files[f"{folder}/{test.name}.in"] = _blob(test.input_sha256)
        files[f"{folder}/{test.name}.ans"] = _blob(test.answer_sha256)
    for settings_path, settings in group_files(challenge).items():
        files[settings_path] = _dump(settings)
    for stem, settings in (meta.get("test_cases") or {}).items():
        if f"{stem}.in" in files:  # a test's own .yaml, while the test is still there
            files[f"{stem}.yaml"] = _dump(settings)
    if challenge.checker == "custom" and challenge.checker_source is not None:
        extension = languages.extension(challenge.checker_language or "")
        folder = "output_validators/validator" if version == LEGACY else "output_validator"
        files[f"{folder}/validator{extension}"] = challenge.checker_source.encode()
    if "submissions_yaml" in meta:
        files["submissions/submissions.yaml"] = str(meta["submissions_yaml"]).encode()
    solutions = db.session.scalars(
        select(ReferenceSolution)
        .where(ReferenceSolution.challenge_id == challenge.id)
        .order_by(ReferenceSolution.id)
    )
    taken: set[str] = set()
    folders = {kept.path.rsplit("/", 1)[0] for kept in challenge.files}
    for solution in solutions:
        if f"submissions/{solution.name}" in folders:
            continue  # a folder program: its files are the challenge's kept files
        path = _solution_path(solution, taken)
        if path is not None:
            files[path] = solution.source.encode()
    extension_doc: dict[str, Any] = {
        "difficulty": challenge.difficulty,
        "stop_on_first_failure": challenge.stop_on_first_failure,
        "output_limit_kb": challenge.output_limit_kb,
    }
    if version == LEGACY and not meta.get("time_limit_pending"):
        extension_doc["time_limit_ms"] = challenge.time_limit_ms  # legacy has no time_limit
    if "time_multipliers" in meta:
        extension_doc["timing"] = {
            "format": meta.get("format", version),
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
