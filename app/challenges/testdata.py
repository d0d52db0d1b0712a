"""Authoring a challenge's tests and groups: add, edit, reorder, delete, zip upload."""

from __future__ import annotations

import re

from app.archives import Caps, read_zip
from app.blobs import store_blob
from app.challenges.service import editable_challenge, invalidate
from app.errors import Conflict, NotFound, ValidationError
from app.extensions import db
from app.models import Challenge, TestCase, TestGroup, User

NAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,118}[A-Za-z0-9])?$")
GROUP_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_/-]{0,78}[A-Za-z0-9])?$")
MAX_TEST_BYTES = 16 * 1024 * 1024
MAX_TESTS = 500
ZIP_CAPS = Caps(package_bytes=32 * 1024 * 1024, total_bytes=128 * 1024 * 1024,
                file_bytes=MAX_TEST_BYTES, files=2 * MAX_TESTS)  # fmt: skip


def _test(challenge: Challenge, test_id: int) -> TestCase:
    test = db.session.get(TestCase, test_id)
    if test is None or test.challenge_id != challenge.id:
        raise NotFound("No such test.")
    return test


def _group_id(challenge: Challenge, group_id: int | None) -> int | None:
    if not group_id:
        return None
    group = db.session.get(TestGroup, group_id)
    if group is None or group.challenge_id != challenge.id:
        raise ValidationError("No such group.", field="group_id")
    return group.id


def _check_data(name: str, given: bytes, expected: bytes) -> None:
    if not NAME_RE.match(name):
        raise ValidationError(
            f"Test name {name!r}: letters, digits, '.', '_', '-' (as Kattis file names).",
            field="name",
        )
    if len(given) > MAX_TEST_BYTES or len(expected) > MAX_TEST_BYTES:
        raise ValidationError(f"Test {name}: input and answer are capped at 16 MB each.")


def _move_files(challenge: Challenge, old: str, new: str | None) -> None:
    """A test's .files input and .interaction follow it to its new name or place (None: go
    with it)."""
    for kept in [
        k for k in challenge.files
        if k.path.startswith(f"{old}.files/") or k.path == f"{old}.interaction"
    ]:  # fmt: skip
        if new is None:
            challenge.files.remove(kept)
        elif new != old:
            kept.path = new + kept.path[len(old) :]


def _renumber(challenge: Challenge) -> None:
    for position, test in enumerate(sorted(challenge.tests, key=lambda t: t.position), 1):
        test.position = position


def _next_name(challenge: Challenge) -> str:
    taken = {t.name for t in challenge.tests}
    n = len(challenge.tests) + 1
    while f"{n:02d}" in taken:
        n += 1
    return f"{n:02d}"


def add_test(
    user: User, slug: str, name: str, given: bytes, expected: bytes,
    *, is_sample: bool = False, group_id: int | None = None,
) -> TestCase:  # fmt: skip
    """Append a test (content stored as blobs)."""
    challenge = editable_challenge(user, slug)
    if len(challenge.tests) >= MAX_TESTS:
        raise ValidationError(f"A challenge has at most {MAX_TESTS} tests.")
    name = name.strip() or _next_name(challenge)
    _check_data(name, given, expected)
    test = TestCase(
        challenge_id=challenge.id, name=name, is_sample=is_sample,
        position=len(challenge.tests) + 1, group_id=_group_id(challenge, group_id),
        input_sha256=store_blob(given), answer_sha256=store_blob(expected),
    )  # fmt: skip
    db.session.add(test)
    invalidate(challenge)
    db.session.commit()
    return test


def update_test(
    user: User, slug: str, test_id: int, name: str, given: bytes | None, expected: bytes | None,
    *, is_sample: bool, group_id: int | None,
) -> TestCase:  # fmt: skip
    """Change a test's name, flags, group and (when given) its content."""
    challenge = editable_challenge(user, slug)
    test = _test(challenge, test_id)
    _check_data(name.strip() or test.name, given or b"", expected or b"")
    old_stem = test.stem
    test.name = name.strip() or test.name
    test.is_sample = is_sample
    test.group_id = _group_id(challenge, group_id)
    test.group = next((g for g in challenge.groups if g.id == test.group_id), None)
    _move_files(challenge, old_stem, test.stem)
    if given is not None:
        test.input_sha256 = store_blob(given)
    if expected is not None:
        test.answer_sha256 = store_blob(expected)
    invalidate(challenge)
    db.session.commit()
    return test


def delete_test(user: User, slug: str, test_id: int) -> None:
    challenge = editable_challenge(user, slug)
    test = _test(challenge, test_id)
    _move_files(challenge, test.stem, None)
    challenge.tests.remove(test)
    _renumber(challenge)
    invalidate(challenge)
    db.session.commit()


def move_test(user: User, slug: str, test_id: int, offset: int) -> None:
    """Swap a test with its neighbour (offset -1 up, +1 down)."""
    challenge = editable_challenge(user, slug)
    test = _test(challenge, test_id)
    ordered = sorted(challenge.tests, key=lambda t: t.position)
    index = ordered.index(test)
    other = index + offset
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered, 1):
            item.position = position
    db.session.commit()


def upload_tests(user: User, slug: str, data: bytes, filename: str, *, is_sample: bool) -> int:
    """Add every name.in/name.ans pair of a zip, sorted by name; all or nothing."""
    challenge = editable_challenge(user, slug)
    files = read_zip(data, ZIP_CAPS, label=filename or "upload")
    pairs: dict[str, dict[str, bytes]] = {}
    for path, content in files.items():
        base = path.rsplit("/", 1)[-1]
        stem, _, extension = base.rpartition(".")
        if extension in ("in", "ans") and stem:
            pairs.setdefault(stem, {})[extension] = content
    if not pairs:
        raise ValidationError(f"{filename}: no .in/.ans pairs found.")
    for stem, pair in sorted(pairs.items()):
        if set(pair) != {"in", "ans"}:
            missing = "ans" if "in" in pair else "in"
            raise ValidationError(f"{filename}: {stem} has no .{missing} file.")
        _check_data(stem, pair["in"], pair["ans"])
    taken = {t.name for t in challenge.tests}
    clash = sorted(taken & set(pairs))
    if clash:
        raise Conflict(f"{filename}: tests named {', '.join(clash)} exist already.")
    if len(challenge.tests) + len(pairs) > MAX_TESTS:
        raise ValidationError(f"A challenge has at most {MAX_TESTS} tests.")
    position = len(challenge.tests)
    pending: dict = {}
    for stem, pair in sorted(pairs.items()):
        position += 1
        db.session.add(
            TestCase(
                challenge_id=challenge.id,
                name=stem,
                is_sample=is_sample,
                position=position,
                input_sha256=store_blob(pair["in"], pending),
                answer_sha256=store_blob(pair["ans"], pending),
            )  # fmt: skip
        )
    invalidate(challenge)
    db.session.commit()
    return len(pairs)


def add_group(user: User, slug: str, name: str, points: float) -> TestGroup:
    """A subtask; its tests together earn its points."""
    challenge = editable_challenge(user, slug)
    name = name.strip()
    if not GROUP_RE.match(name):
        raise ValidationError("Group names take letters, digits, '_', '-' and '/'.", field="name")
    if any(g.name == name for g in challenge.groups):
        raise Conflict(f"A group named {name!r} exists already.")
    if not 0 <= points <= 1000:
        raise ValidationError("Points must be 0 to 1000.", field="points")
    group = TestGroup(
        challenge_id=challenge.id, name=name, points=points, position=len(challenge.groups) + 1
    )
    db.session.add(group)
    invalidate(challenge)
    db.session.commit()
    return group


def delete_group(user: User, slug: str, group_id: int) -> None:
    """Remove a group; its tests stay, ungrouped."""
    challenge = editable_challenge(user, slug)
    group = db.session.get(TestGroup, group_id)
    if group is None or group.challenge_id != challenge.id:
        raise NotFound("No such group.")
    for test in challenge.tests:
        if test.group_id == group.id:
            test.group_id = None
    db.session.delete(group)
    invalidate(challenge)
    db.session.commit()
