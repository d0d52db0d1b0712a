"""Import a Kattis problem package as a Challenge, all or nothing, in one transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.archives import Caps, read_package, read_zip
from app.blobs import store_blob
from app.challenges.service import slugify
from app.errors import Conflict, ServiceUnavailable, ValidationError
from app.extensions import db
from app.judging import languages, runner
from app.models import (
    DIFFICULTIES,
    Blob,
    Challenge,
    ChallengeFile,
    ReferenceSolution,
    TestCase,
    TestGroup,
    User,
)
from app.packages.config import ProblemConfig
from app.packages.reader import ParsedPackage, parse_package
from app.packages.reader2025 import input_validator_args

DEFAULT_TIME_LIMIT_MS = 2000


@dataclass
class ImportResult:
    """The new challenge and what was left out of it."""

    challenge: Challenge
    warnings: list[str] = field(default_factory=list)


def _time_limit(config: ProblemConfig, extension: dict[str, Any]) -> tuple[int, bool]:
    """(time limit in ms, whether verify still has to derive it)."""
    if config.time_limit_s is not None:
        return max(1, round(config.time_limit_s * 1000)), False
    if isinstance(extension.get("time_limit_ms"), int):
        return extension["time_limit_ms"], False
    return DEFAULT_TIME_LIMIT_MS, True


def _timing_meta(config: ProblemConfig) -> dict[str, Any]:
    """The time multipliers verify needs, in the package's own terms."""
    if config.version == "legacy":
        return {
            "time_multiplier": config.time_multiplier,
            "time_safety_margin": config.time_safety_margin,
        }
    return {
        "ac_to_time_limit": config.ac_to_time_limit,
        "time_limit_to_tle": config.time_limit_to_tle,
        "time_resolution": config.time_resolution,
    }


def _apply(parsed: ParsedPackage, challenge: Challenge) -> None:
    """Set the challenge's own columns from the parsed package."""
    config, extension = parsed.config, parsed.extension
    challenge.title = (parsed.title or challenge.slug)[:200]
    challenge.statement_md = parsed.statement_md
    challenge.tags = list(config.keywords)
    challenge.languages = None
    if config.languages is not None:
        # Packages name languages by Kattis or DOMjudge codes (py3, c++); we keep our ids.
        challenge.languages = list(dict.fromkeys(map(languages.from_code, config.languages)))
    challenge.time_limit_ms, pending = _time_limit(config, extension)
    if config.memory_mb is not None:
        challenge.memory_limit_mb = config.memory_mb
    if isinstance(extension.get("output_limit_kb"), int):
        challenge.output_limit_kb = extension["output_limit_kb"]
    elif config.output_mb is not None:
        challenge.output_limit_kb = config.output_mb * 1024
    challenge.checker = parsed.checker
    challenge.checker_options = parsed.checker_options
    challenge.checker_language = parsed.checker_language
    challenge.checker_source = parsed.checker_source
    difficulty = extension.get("difficulty", "medium")
    if difficulty not in DIFFICULTIES:
        raise ValidationError(f"codedev.yaml: difficulty must be one of {', '.join(DIFFICULTIES)}")
    challenge.difficulty = difficulty
    starter = extension.get("starter_code", {})
    if not isinstance(starter, dict) or not all(isinstance(v, str) for v in starter.values()):
        raise ValidationError("codedev.yaml: starter_code must map language to source text")
    challenge.starter_code = {str(k): v for k, v in starter.items()}
    # A 2025-09 pass-fail problem's groups are not subtasks (no points): it stops at the first
    # failure as any pass-fail problem; older formats' groups carry points.
    scored = config.scoring or (parsed.groups and config.version != "2025-09")
    stop = extension.get("stop_on_first_failure", not scored)
    challenge.stop_on_first_failure = bool(stop)
    meta = dict(parsed.meta)
    # The uuid tracks the problem across renames; legacy packages may have none yet.
    meta.setdefault("uuid", str(uuid.uuid4()))
    timing = extension.get("timing")
    if isinstance(timing, dict) and isinstance(timing.get("time_multipliers"), dict):
        # An export of ours: keep the rule of the package the challenge first came from.
        meta["format"] = str(timing.get("format", config.version))
        meta["time_multipliers"] = dict(timing["time_multipliers"])
    else:
        meta["format"] = config.version
        meta["time_multipliers"] = _timing_meta(config)
    meta["time_limit_pending"] = pending
    challenge.package_meta = meta


def _add_children(parsed: ParsedPackage, challenge: Challenge) -> None:
    """Groups, tests, reference solutions and kept files of a flushed challenge."""
    pending: dict[str, Blob] = {}
    groups: dict[str, TestGroup] = {}
    for position, (name, points) in enumerate(parsed.groups.items(), start=1):
        group = TestGroup(
            challenge_id=challenge.id, name=name[:80], position=position, points=points
        )
        db.session.add(group)
        groups[name] = group
    db.session.flush()
    for position, test in enumerate(parsed.tests, start=1):
        in_group = groups.get(test.group) if test.group else None
        db.session.add(
            TestCase(
                challenge_id=challenge.id,
                group_id=in_group.id if in_group else None,
                position=position,
                name=test.name[:120],
                is_sample=test.is_sample,
                input_sha256=store_blob(test.input, pending),
                answer_sha256=store_blob(test.answer, pending),
            )
        )
    for solution in parsed.solutions:
        db.session.add(
            ReferenceSolution(
                challenge_id=challenge.id,
                name=solution.name[:200],
                language=solution.language,
                source=solution.source,
                expected_verdict=solution.expected_verdict,
            )
        )
    for path, data in sorted(parsed.files.items()):
        db.session.add(
            ChallengeFile(challenge_id=challenge.id, path=path, sha256=store_blob(data, pending))
        )


def _check_inputs(parsed: ParsedPackage, files: dict[str, bytes], *, force: bool) -> None:
    """Run the input validators (in sandboxes) on every input; refuse unless forced."""
    if not parsed.input_validators:
        return
    names = [program.name for program in parsed.input_validators]
    cases = [
        runner.InputCase(
            path,
            data,
            {name: tuple(input_validator_args(parsed.meta, path[:-3], name)) for name in names},
            must_fail=path.startswith("data/invalid_input/"),
            files={
                kept[len(path) - 3 + len(".files/") :]: given
                for kept, given in parsed.files.items()
                if kept.startswith(f"{path[:-3]}.files/")
            },
        )
        for path, data in sorted(files.items())
        if path.endswith(".in")
        and path.startswith(("data/sample/", "data/secret/", "data/invalid_input/"))
    ]
    programs = [(p.name, p.language, p.source) for p in parsed.input_validators]
    try:
        problems = runner.validate_inputs(programs, cases)
    except runner.JUDGE_ERRORS as error:
        raise ServiceUnavailable(
            f"input_validators/: the sandbox could not run them ({error})"
        ) from error
    if problems and not force:
        shown = "; ".join(problems[:10]) + (
            f"; and {len(problems) - 10} more" if len(problems) > 10 else ""
        )
        raise ValidationError(f"input validation failed (import with --force to keep it): {shown}")
    parsed.warnings += [f"input validation (forced): {problem}" for problem in problems]


def import_files(
    files: dict[str, bytes], slug: str, *, owner: User | None = None, force: bool = False
) -> ImportResult:
    """Import already-read package files under slug; nothing is stored if anything is wrong."""
    parsed = parse_package(files)
    slug = slugify(slug)
    if db.session.scalar(select(Challenge.id).where(Challenge.slug == slug)) is not None:
        raise Conflict(f"A challenge with the slug {slug!r} exists already; choose another slug.")
    _check_inputs(parsed, files, force=force)
    try:
        challenge = Challenge(slug=slug, title=slug, owner_id=owner.id if owner else None)
        _apply(parsed, challenge)
        db.session.add(challenge)
        db.session.flush()
        _add_children(parsed, challenge)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return ImportResult(challenge, parsed.warnings)


def import_package(
    path: Path | str,
    *,
    owner: User | None = None,
    slug: str | None = None,
    caps: Caps = Caps(),
    force: bool = False,
) -> ImportResult:
    """Import a package folder or .zip; the slug defaults to the folder or file name.

    A folder may link to files elsewhere in its repository (shared between problems); an
    uploaded .zip may not link at all (see app/archives.py).
    """
    path = Path(path)
    files = read_package(path, caps, follow_repository_links=True)
    name = path.name if path.is_dir() else path.name.rsplit(".", 1)[0]
    return import_files(files, slug or name, owner=owner, force=force)


def import_zip_bytes(
    data: bytes,
    filename: str,
    *,
    owner: User | None = None,
    slug: str | None = None,
    caps: Caps = Caps(),
) -> ImportResult:
    """Import an uploaded .zip package (the web upload page uses this)."""
    files = read_zip(data, caps, label=filename or "upload")
    return import_files(files, slug or filename.rsplit(".", 1)[0], owner=owner)
