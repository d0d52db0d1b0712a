"""Authoring challenges: create, edit, duplicate, publish, validate; who may do what.

Policy: only staff author. A teacher edits only the challenges they own; an admin edits
all. Students (and staff) see published challenges; a draft is visible only to its editors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.challenges.access import may_see_challenge
from app.challenges.render import files_url, render_markdown
from app.challenges.validation import queue as validation_queue
from app.challenges.validation.report import ValidationReport
from app.challenges.validation.solutions import validate_challenge
from app.errors import Conflict, Forbidden, NotFound, TooLarge, ValidationError
from app.extensions import db
from app.judging import languages as judge_languages
from app.models import (
    Challenge,
    ChallengeFile,
    ReferenceSolution,
    TestCase,
    TestGroup,
    User,
    utcnow,
)
from app.models.challenge import CHECKERS, DIFFICULTIES

VERDICTS = ("AC", "WA", "TLE", "RE", "MLE", "OLE", "CE")
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
NOT_FOUND = "No such challenge."
MAX_STATEMENT_CHARS = 200_000


@dataclass
class ChallengeData:
    """The editable fields of a challenge, as a form or the API gives them."""

    title: str
    slug: str = ""
    statement_md: str = ""
    difficulty: str = "medium"
    tags: list[str] = field(default_factory=list)
    time_limit_ms: int = 2000
    memory_limit_mb: int = 256
    output_limit_kb: int = 8192
    languages: list[str] | None = None
    starter_code: dict[str, str] = field(default_factory=dict)
    checker: str = "tokens"
    checker_options: dict[str, Any] = field(default_factory=dict)
    checker_language: str | None = None
    checker_source: str | None = None
    stop_on_first_failure: bool = True


def slugify(text: str) -> str:
    """A URL slug: lowercase letters, digits and dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:80] or "problem"


def can_edit(user: User, challenge: Challenge) -> bool:
    """Admins edit every challenge; teachers the ones they own."""
    return user.is_admin or (user.is_staff and challenge.owner_id == user.id)


def require_staff(user: User) -> None:
    if not user.is_staff:
        raise Forbidden("Only teachers and admins author challenges.")


def get_by_slug(slug: str) -> Challenge | None:
    return db.session.scalar(select(Challenge).where(Challenge.slug == slug))


def visible_challenge(user: User | None, slug: str) -> Challenge:
    """The challenge if the user may read it (see may_see_challenge); NotFound otherwise."""
    challenge = get_by_slug(slug)
    if challenge is None or not may_see_challenge(user, challenge):
        raise NotFound(NOT_FOUND)
    return challenge


def editable_challenge(user: User, slug: str) -> Challenge:
    """A challenge the user may edit: NotFound if unseen, Forbidden for other staff's."""
    require_staff(user)
    challenge = get_by_slug(slug)
    if challenge is None:
        raise NotFound(NOT_FOUND)
    if not can_edit(user, challenge):
        raise Forbidden("Only the challenge's author or an admin may change it.")
    return challenge


def published_challenges(user: User | None = None) -> list[Challenge]:
    """Published challenges the user may read: open practice, and their courses' ones."""
    published = db.session.scalars(
        select(Challenge).where(Challenge.published.is_(True)).order_by(Challenge.title)
    )
    return [challenge for challenge in published if may_see_challenge(user, challenge)]


def authored_by(user: User) -> list[Challenge]:
    """The challenges the user may edit (all for admins)."""
    query = select(Challenge).order_by(Challenge.updated_at.desc())
    if not user.is_admin:
        query = query.where(Challenge.owner_id == user.id)
    return list(db.session.scalars(query)) if user.is_staff else []


def _check(data: ChallengeData) -> None:
    if not data.title.strip() or len(data.title) > 200:
        raise ValidationError("The title must have 1 to 200 characters.", field="title")
    if not SLUG_RE.match(data.slug):
        raise ValidationError(
            "The slug takes lowercase letters, digits and dashes (up to 80).", field="slug"
        )
    if data.difficulty not in DIFFICULTIES:
        raise ValidationError("Unknown difficulty.", field="difficulty")
    if not 100 <= data.time_limit_ms <= 60_000:
        raise ValidationError("The time limit must be 100 to 60000 ms.", field="time_limit_ms")
    if not 16 <= data.memory_limit_mb <= 4096:
        raise ValidationError("The memory limit must be 16 to 4096 MB.", field="memory_limit_mb")
    if not 1 <= data.output_limit_kb <= 65536:
        raise ValidationError("The output limit must be 1 to 65536 KB.", field="output_limit_kb")
    for language in [*(data.languages or []), *data.starter_code]:
        if not judge_languages.is_known(language):
            raise ValidationError(f"Unknown language {language!r}.", field="languages")
    if data.checker not in CHECKERS:
        raise ValidationError("Unknown checker.", field="checker")
    custom = data.checker == "custom"
    if custom and (
        not judge_languages.is_known(data.checker_language)
        or not (data.checker_source or "").strip()
    ):
        raise ValidationError(
            "A custom checker needs its language and source.", field="checker_source"
        )
    if len(data.statement_md) > MAX_STATEMENT_CHARS:
        raise ValidationError("The statement is too long.", field="statement_md")


def preview_statement(user: User, statement_md: str, slug: str | None = None) -> str:
    """A statement as students will see it, for its author; images resolve if slug is saved."""
    require_staff(user)
    if len(statement_md) > MAX_STATEMENT_CHARS:
        raise TooLarge(f"The statement is capped at {MAX_STATEMENT_CHARS:,} characters.")
    files = files_url(editable_challenge(user, slug).slug) if slug else None
    return str(render_markdown(statement_md, files))


def _assign(challenge: Challenge, data: ChallengeData) -> None:
    for name in ChallengeData.__dataclass_fields__:
        setattr(challenge, name, getattr(data, name))
    challenge.tags = [t.strip() for t in data.tags if t.strip()]
    if data.checker != "custom":
        challenge.checker_language = challenge.checker_source = None


def _slug_free(slug: str, challenge_id: int | None = None) -> None:
    found = db.session.scalar(select(Challenge.id).where(Challenge.slug == slug))
    if found is not None and found != challenge_id:
        raise Conflict(f"The slug {slug!r} is taken.")


def invalidate(challenge: Challenge) -> None:
    """Forget the last validation: tests, limits, checker or solutions changed."""
    meta = dict(challenge.package_meta or {})
    meta.pop("validation", None)
    challenge.package_meta = meta


def create_challenge(user: User, data: ChallengeData) -> Challenge:
    """A new draft challenge owned by user."""
    require_staff(user)
    data.slug = data.slug or slugify(data.title)
    _check(data)
    _slug_free(data.slug)
    challenge = Challenge(owner_id=user.id, published=False, package_meta={})
    _assign(challenge, data)
    db.session.add(challenge)
    db.session.commit()
    return challenge


def update_challenge(user: User, slug: str, data: ChallengeData) -> Challenge:
    """Change the editable fields; limits or checker changes need a new validation."""
    challenge = editable_challenge(user, slug)
    _check(data)
    _slug_free(data.slug, challenge.id)
    judged = ("time_limit_ms", "memory_limit_mb", "output_limit_kb", "checker",
              "checker_options", "checker_source", "checker_language")  # fmt: skip
    if any(getattr(challenge, name) != getattr(data, name) for name in judged):
        invalidate(challenge)
        if data.time_limit_ms != challenge.time_limit_ms:
            challenge.package_meta = {**challenge.package_meta, "time_limit_pending": False}
    _assign(challenge, data)
    db.session.commit()
    return challenge


def duplicate_challenge(user: User, slug: str) -> Challenge:
    """A draft copy with its tests, groups, files and reference solutions, owned by user."""
    source = visible_challenge(user, slug)
    require_staff(user)
    base = slugify(source.slug + "-copy")[:72]
    new_slug, n = base, 2
    while get_by_slug(new_slug) is not None:
        new_slug, n = f"{base}-{n}", n + 1
    copy = Challenge(slug=new_slug, owner_id=user.id, published=False)
    for name in ChallengeData.__dataclass_fields__:
        if name != "slug":
            setattr(copy, name, getattr(source, name))
    copy.title = (source.title + " (copy)")[:200]
    copy.package_meta = {k: v for k, v in (source.package_meta or {}).items() if k != "uuid"}
    db.session.add(copy)
    db.session.flush()
    groups = {}
    for group in source.groups:
        groups[group.id] = TestGroup(
            challenge_id=copy.id, name=group.name, position=group.position, points=group.points
        )
        db.session.add(groups[group.id])
    db.session.flush()
    for test in source.tests:
        db.session.add(
            TestCase(
                challenge_id=copy.id,
                position=test.position,
                name=test.name,
                is_sample=test.is_sample,
                input_sha256=test.input_sha256,
                answer_sha256=test.answer_sha256,
                group_id=groups[test.group_id].id if test.group_id in groups else None,
            )  # fmt: skip
        )
    for kept in source.files:
        db.session.add(ChallengeFile(challenge_id=copy.id, path=kept.path, sha256=kept.sha256))
    for ref in references(source):
        db.session.add(
            ReferenceSolution(
                challenge_id=copy.id,
                name=ref.name,
                language=ref.language,
                source=ref.source,
                expected_verdict=ref.expected_verdict,
            )  # fmt: skip
        )
    db.session.commit()
    return copy


def references(challenge: Challenge) -> list[ReferenceSolution]:
    return list(
        db.session.scalars(
            select(ReferenceSolution)
            .where(ReferenceSolution.challenge_id == challenge.id)
            .order_by(ReferenceSolution.id)
        )
    )


def add_reference(
    user: User, slug: str, name: str, language: str, source: str, expected: str
) -> ReferenceSolution:
    """A reference solution with the verdict it should get."""
    challenge = editable_challenge(user, slug)
    if not judge_languages.is_known(language):
        raise ValidationError(f"Unknown language {language!r}.", field="language")
    if expected not in VERDICTS:
        raise ValidationError(f"Unknown verdict {expected!r}.", field="expected_verdict")
    if not source.strip() or len(source.encode()) > 256 * 1024:
        raise ValidationError("The source must be 1 byte to 256 KB.", field="source")
    name = name.strip() or f"solution{judge_languages.extension(language)}"
    solution = ReferenceSolution(
        challenge_id=challenge.id, name=name[:200], language=language,
        source=source, expected_verdict=expected,
    )  # fmt: skip
    db.session.add(solution)
    invalidate(challenge)
    db.session.commit()
    return solution


def delete_reference(user: User, slug: str, solution_id: int) -> None:
    challenge = editable_challenge(user, slug)
    solution = db.session.get(ReferenceSolution, solution_id)
    if solution is None or solution.challenge_id != challenge.id:
        raise NotFound("No such reference solution.")
    folder = f"submissions/{solution.name}/"  # a program of several files: its files too
    for kept in [kept for kept in challenge.files if kept.path.startswith(folder)]:
        db.session.delete(kept)
    db.session.delete(solution)
    invalidate(challenge)
    db.session.commit()


def validate(user: User, slug: str) -> ValidationReport:
    """Judge every reference solution now, in the foreground (CLI, tests), and keep the report."""
    return validate_now(editable_challenge(user, slug))


def validate_now(challenge: Challenge) -> ValidationReport:
    """Validate in the foreground as the Validate button's job does, and keep its report."""
    report = validate_challenge(challenge)
    validation_queue.store_result(challenge, None, report)
    return report


def request_validation(user: User, slug: str) -> None:
    """Queue a validation (the Validate button): the solutions page follows it to the report."""
    validation_queue.request_validation(editable_challenge(user, slug))


def set_published(user: User, slug: str, published: bool) -> Challenge:
    """Publish (only with tests and a passing validation with an accepted solution) or hide."""
    challenge = editable_challenge(user, slug)
    if published:
        _check_publishable(challenge)
        _publish(challenge)
    else:
        challenge.published = False
    db.session.commit()
    return challenge


def validate_and_publish(challenge: Challenge) -> ValidationReport:
    """Validate now and publish only if every reference solution got its verdict (the CLI).

    The report is kept as the Validate button's is, so the solutions page shows it, and
    publishing then reads it by the same rule as the Publish button.
    """
    _check_publishable(challenge, validated=False)
    report = validate_now(challenge)
    if report.ok:
        _check_publishable(challenge)
        _publish(challenge)
        db.session.commit()
    return report


def _publish(challenge: Challenge) -> None:
    """Show it to students; the first time, stamp its release (published_at), which the
    early-bird badge counts from: created_at is when the draft was begun, often days before."""
    challenge.published = True
    if challenge.published_at is None:
        challenge.published_at = utcnow()


def _check_publishable(challenge: Challenge, *, validated: bool = True) -> None:
    if not challenge.tests:
        raise ValidationError("Add at least one test before publishing.")
    if not any(r.expected_verdict == "AC" for r in references(challenge)):
        raise ValidationError("Add an accepted reference solution before publishing.")
    validation = (challenge.package_meta or {}).get("validation")
    if validated and (not validation or not validation.get("ok")):
        raise ValidationError(
            "Validate first: every reference solution must get its expected verdict."
        )
