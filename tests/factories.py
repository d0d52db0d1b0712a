"""Factories that build committed objects: make_user(**overrides) and friends."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

from app.auth import service as auth_service
from app.extensions import db
from app.models import (
    Blob,
    Challenge,
    Course,
    Enrollment,
    Judgement,
    ReferenceSolution,
    Round,
    Submission,
    TestCase,
    TestResult,
    User,
    utcnow,
)

_counter = itertools.count(1)
PASSWORD = "correct-horse-9"


def make_user(**overrides: Any) -> User:
    n = next(_counter)
    email = overrides.pop("email", f"user{n}@example.org")
    password = overrides.pop("password", PASSWORD)
    role = overrides.pop("role", "student")
    user = auth_service.create_user(
        email, password, role=role, name=overrides.pop("name", f"User {n}")
    )
    for key, value in overrides.items():
        setattr(user, key, value)
    db.session.commit()
    return user


def make_course(owner: User | None = None, **overrides: Any) -> Course:
    n = next(_counter)
    owner = owner or make_user(role="teacher")
    course = Course(
        name=overrides.pop("name", f"Course {n}"),
        join_code=overrides.pop("join_code", f"JOIN{n:04d}"),
        owner_id=owner.id,
        **overrides,
    )
    db.session.add(course)
    db.session.commit()
    return course


def enroll(course: Course, user: User) -> Enrollment:
    enrollment = Enrollment(course_id=course.id, user_id=user.id)
    db.session.add(enrollment)
    db.session.commit()
    return enrollment


def store_blob(data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    if db.session.get(Blob, digest) is None:
        db.session.add(Blob(sha256=digest, size=len(data), data=data))
        db.session.flush()
    return digest


def make_challenge(tests: list[tuple[str, str]] | None = None, **overrides: Any) -> Challenge:
    """A published challenge (released when it was made, unless published_at says when);
    tests are (input, answer) pairs, the first one a sample."""
    n = next(_counter)
    published = overrides.pop("published", True)
    if published:
        overrides.setdefault("published_at", overrides.get("created_at") or utcnow())
    challenge = Challenge(
        slug=overrides.pop("slug", f"challenge-{n}"),
        title=overrides.pop("title", f"Challenge {n}"),
        statement_md=overrides.pop("statement_md", "Add two numbers."),
        published=published,
        **overrides,
    )
    db.session.add(challenge)
    db.session.flush()
    for position, (given, expected) in enumerate(tests or [("1 2\n", "3\n")], start=1):
        db.session.add(
            TestCase(
                challenge_id=challenge.id,
                position=position,
                name=f"{position:02d}",
                is_sample=position == 1,
                input_sha256=store_blob(given.encode()),
                answer_sha256=store_blob(expected.encode()),
            )
        )
    db.session.commit()
    return challenge


def make_reference(challenge: Challenge, **overrides: Any) -> ReferenceSolution:
    """A reference solution of challenge (committed): an accepted Python one by default."""
    solution = ReferenceSolution(
        challenge_id=challenge.id,
        name=overrides.pop("name", "solution.py"),
        language=overrides.pop("language", "python3"),
        source=overrides.pop("source", "print(sum(map(int, input().split())))\n"),
        expected_verdict=overrides.pop("expected_verdict", "AC"),
        **overrides,
    )
    db.session.add(solution)
    db.session.commit()
    return solution


def make_submission(
    user: User,
    challenge: Challenge,
    *,
    kind: str = "submit",
    language: str = "python3",
    source: str = "print(sum(map(int, input().split())))\n",
    status: str = "queued",
    results: list[str] | None = None,
    **judgement_fields: Any,
) -> Submission:
    """A stored submission with one judgement (no job enqueued) and TestResults per verdict."""
    submission = Submission(
        user_id=user.id, challenge_id=challenge.id, language=language, source=source, kind=kind
    )
    judgement = Judgement(submission=submission, status=status, **judgement_fields)
    db.session.add_all([submission, judgement])
    db.session.flush()
    cases = [t for t in challenge.tests if t.is_sample or kind != "samples"]
    for position, (case, verdict) in enumerate(zip(cases, results or [], strict=False), start=1):
        db.session.add(
            TestResult(
                judgement_id=judgement.id,
                test_case_id=case.id,
                position=position,
                name=case.name,
                verdict=verdict,
                time_ms=10 * position,
                memory_kb=1000 + position,
                message=f"message {position}",
            )
        )
    db.session.commit()
    return submission


def make_round(
    owner: User | None = None, challenges: list[Challenge] | None = None, **overrides: Any
) -> Round:
    """A committed round (a contest by default, open now for two hours, public) over the
    given challenges (one new challenge by default)."""
    from datetime import timedelta

    from app.contests.rounds import ProblemSpec, RoundSpec, create_round
    from app.models import utcnow

    owner = owner or make_user(role="teacher")
    challenges = challenges or [make_challenge(owner_id=owner.id)]
    start = overrides.pop("starts_at", utcnow() - timedelta(minutes=5))
    spec = RoundSpec(
        name=overrides.pop("name", f"Round {next(_counter)}"),
        mode=overrides.pop("mode", "contest"),
        starts_at=start,
        ends_at=overrides.pop("ends_at", start + timedelta(hours=2)),
        visibility=overrides.pop("visibility", "public"),
        problems=[ProblemSpec(challenge_id=challenge.id) for challenge in challenges],
        **overrides,
    )
    return create_round(owner, spec)
