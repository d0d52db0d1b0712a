"""Submission services: accept source code for a challenge and send it to the judge."""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app

from app import programs
from app.challenges.access import may_see_challenge
from app.contests.access import participant_of, visible_round
from app.contests.participation import check_may_join, join
from app.contests.rounds import allows_language, problem_for
from app.contests.windows import check_open
from app.errors import NotFound, TooMany, ValidationError
from app.extensions import db
from app.judging import languages
from app.judging.queue import enqueue_judgement
from app.models import Challenge, Course, Judgement, Participant, Round, Submission, User, utcnow
from app.programs import SentFile
from app.scoring import cache as board
from app.scoring import live as board_live
from app.stores import take_from_window
from app.submissions.checks import run_checks

KINDS = ("submit", "samples")


def create_submission(
    user: User,
    challenge: Challenge,
    language: str,
    source: str | bytes | Sequence[SentFile],
    kind: str = "submit",
    round_: Round | None = None,
    *,
    entry: str | None = None,
) -> Submission:
    """Check and store a submission with a queued judgement, commit, then enqueue it. In a
    round, the participant's window decides: outside it the submission is refused, unstored.
    source is one file's text, or (name, content) pairs of several, main file `entry` or
    the language's."""
    participant = None
    if round_ is not None:
        participant = _participant_in(user, round_, challenge, language)
    elif not may_see_challenge(user, challenge):
        raise NotFound("No such challenge.")
    if kind not in KINDS:
        raise ValidationError(f"Unknown submission kind {kind!r}.")
    # The judge must know the language (its registry); a challenge may allow fewer.
    if not languages.is_known(language) or not challenge.allows_language(language):
        raise ValidationError(f"The language {language!r} is not allowed for this challenge.")
    if isinstance(source, str | bytes):
        program = programs.one_file(source)
    else:
        program = programs.several(language, source, entry)
    check_rate(user, rate_limit_for(challenge))
    run_checks(user, challenge, kind)
    if round_ is not None and participant is None:
        participant = join(user, round_)  # registered by the first submission that is kept
    submission = Submission(
        user_id=user.id,
        challenge_id=challenge.id,
        language=language,
        source=program.source,
        source_name=program.source_name,
        files=[{"name": n, "text": t} for n, t in program.others.items()] or None,
        kind=kind,
    )
    if round_ is not None and participant is not None:
        submission.round_id, submission.participant_id = round_.id, participant.id
    judgement = Judgement(submission=submission, status="queued")
    db.session.add_all([submission, judgement])
    if round_ is not None:
        board.refresh(submission)  # shown pending on the board at once, in the same commit
    _commit_keeping_values()
    enqueue_judgement(judgement)
    if round_ is not None:
        board_live.announce(submission)
    return submission


def _participant_in(
    user: User, round_: Round, challenge: Challenge, language: str
) -> Participant | None:
    """Who submits in this round, once the round, its problem, its language list and the
    participant's window allow it (the window by the server's clock); None for a user who may
    join it and has not yet. Nothing is stored: a refused submission registers nobody."""
    visible_round(user, round_.id)
    problem_for(round_, challenge)
    if not allows_language(round_, language):
        raise ValidationError(f"The language {language!r} is not allowed in this round.")
    participant = participant_of(user, round_)
    if participant is None:
        check_may_join(user, round_)
    check_open(round_, participant, utcnow())
    return participant


def _commit_keeping_values() -> None:
    """Commit without expiring what was just written: the answer (ids, status) is built from
    memory, so a database that goes away right after the commit can't turn an accepted
    submission into an error (and a duplicate when the student retries)."""
    session = db.session()
    keep = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


def rejudge(submission: Submission) -> Judgement:
    """Judge a submission again: a new Judgement; the newest finished one counts."""
    judgement = Judgement(submission_id=submission.id, status="queued")
    db.session.add(judgement)
    db.session.commit()
    enqueue_judgement(judgement)
    return judgement


def validate_source(source: str | bytes) -> str:
    """The source as text, or a ValidationError: empty, too large, binary or not UTF-8."""
    return programs.one_file(source).source


def rate_limit_for(challenge: Challenge) -> int:
    """Submissions per user per minute: the challenge's course setting, else the site's."""
    course = db.session.get(Course, challenge.course_id) if challenge.course_id else None
    if course is not None and course.submission_rate_per_minute is not None:
        return course.submission_rate_per_minute
    return int(current_app.config["SUBMISSION_RATE_PER_MINUTE"])


def check_rate(user: User, limit: int) -> None:
    """Allow at most limit submissions per user in any 60 s (0 = no limit)."""
    if limit <= 0:
        return
    if not take_from_window(f"ratelimit:submissions:{user.id}", limit):
        raise TooMany(f"At most {limit} submissions per minute; try again shortly.")
