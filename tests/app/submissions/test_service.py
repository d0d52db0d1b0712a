"""create_submission and rejudge on both store pairs: checks, nothing stored on refusal, enqueue."""

from __future__ import annotations

import pytest
from rq.job import Job
from sqlalchemy import func, select

from app.errors import NotFound, TooMany, ValidationError
from app.extensions import db
from app.judging.queue import job_id
from app.models import Judgement, Submission
from app.stores import get_queue, get_redis
from app.submissions.service import create_submission, rejudge
from tests.factories import enroll, make_challenge, make_course, make_user

GOOD = "a, b = map(int, input().split())\nprint(a + b)\n"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_submission_is_stored_committed_and_enqueued(app):
    user, challenge = make_user(), make_challenge()
    submission = create_submission(user, challenge, "python3", GOOD)
    db.session.remove()  # prove it is committed: a fresh session sees it
    stored = db.session.get(Submission, submission.id)
    assert stored.source == GOOD and stored.kind == "submit"
    (judgement,) = stored.judgements
    assert judgement.status == "queued" and judgement.attempts == 0
    queue = get_queue("judge")
    assert queue.job_ids == [job_id(judgement.id, 0)]
    job = Job.fetch(job_id(judgement.id, 0), connection=get_redis())
    assert job.func_name == "worker.jobs.judge" and job.args == (judgement.id,)


def test_rejudge_is_a_new_judgement(app):
    submission = create_submission(make_user(), make_challenge(), "python3", GOOD)
    second = rejudge(submission)
    assert [j.id for j in submission.judgements][-1] == second.id
    assert len(get_queue("judge").job_ids) == 2


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("", "invalid"),
        ("  \n\t", "invalid"),
        ("x" * (10 * 1024 * 1024), "source_too_large"),
        (b"\x7fELF\x02\x01\x01\x00\x00", "invalid"),
        (b"print('\xff\xfe')", "invalid"),
        ("print(1)\x00", "invalid"),
    ],
    ids=["empty", "blank", "10MB", "binary", "not-utf8", "nul"],
)
def test_bad_sources_are_refused_and_nothing_is_stored(app, source, code):
    user, challenge = make_user(), make_challenge()
    with pytest.raises(ValidationError) as raised:
        create_submission(user, challenge, "python3", source)
    assert raised.value.code == code and raised.value.message
    assert count(Submission) == 0 and count(Judgement) == 0
    assert get_queue("judge").count == 0


def test_utf8_bytes_are_accepted(app):
    submission = create_submission(
        make_user(), make_challenge(), "python3", "print('é')\n".encode()
    )
    assert submission.source == "print('é')\n"


def test_language_must_be_known_and_allowed(app):
    user = make_user()
    with pytest.raises(ValidationError):
        create_submission(user, make_challenge(), "cobol", GOOD)
    with pytest.raises(ValidationError):
        create_submission(user, make_challenge(languages=["cpp"]), "python3", GOOD)
    assert count(Submission) == 0


def test_unpublished_challenge_is_hidden_from_students_and_other_teachers(app):
    author = make_user(role="teacher")
    challenge = make_challenge(published=False, owner_id=author.id)
    for outsider in (make_user(), make_user(role="teacher")):
        with pytest.raises(NotFound):
            create_submission(outsider, challenge, "python3", GOOD)
    assert create_submission(author, challenge, "python3", GOOD).id
    assert create_submission(make_user(role="admin"), challenge, "python3", GOOD).id


def test_rate_limit_per_user(app):
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 3
    user, other, challenge = make_user(), make_user(), make_challenge()
    for _ in range(3):
        create_submission(user, challenge, "python3", GOOD)
    with pytest.raises(TooMany):
        create_submission(user, challenge, "python3", GOOD)
    assert count(Submission) == 3
    create_submission(other, challenge, "python3", GOOD)  # limits are per user
    get_redis().delete(f"ratelimit:submissions:{user.id}")  # the minute has passed
    create_submission(user, challenge, "python3", GOOD)


def test_a_course_sets_its_own_rate(app):
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 10
    strict, free = (
        make_course(submission_rate_per_minute=1),
        make_course(submission_rate_per_minute=0),
    )
    user = make_user()
    for course in (strict, free):
        enroll(course, user)
    strict_challenge = make_challenge(course_id=strict.id)
    free_challenge = make_challenge(course_id=free.id)
    create_submission(user, strict_challenge, "python3", GOOD)
    with pytest.raises(TooMany, match="At most 1 submissions per minute"):
        create_submission(user, strict_challenge, "python3", GOOD)
    get_redis().delete(f"ratelimit:submissions:{user.id}")
    for _ in range(12):  # 0 on the course: no limit, above the site's 10
        create_submission(user, free_challenge, "python3", GOOD)
    assert count(Submission) == 13


def test_another_courses_challenge_is_refused(app):
    course = make_course()
    challenge = make_challenge(course_id=course.id)
    with pytest.raises(NotFound):
        create_submission(make_user(), challenge, "python3", GOOD)
    assert count(Submission) == 0
