"""Student-facing services: submit, read a submission, the solve page's data and history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.challenges import render
from app.challenges.access import manages_challenge, visible_challenge
from app.challenges.attachments import Attachment, attachment_file, attachments_of
from app.challenges.files import ServedFile
from app.challenges.samples import SampleView, sample_views
from app.contests.access import round_problem
from app.contests.rounds import allows_language
from app.extensions import db
from app.judging import languages
from app.models import Challenge, RoundProblem, Submission, User, utcnow
from app.programs import SentFile, files_of
from app.submissions import service as submissions
from app.submissions.access import visible_submission
from app.submissions.state import submission_state


@dataclass
class SolvePage:
    """What the solve page shows: the challenge, its samples, languages and starter code."""

    challenge: Challenge
    problem: RoundProblem | None  # the round's problem, when solved inside a round
    statement_html: str
    samples: list[SampleView]
    languages: list[tuple[str, str]]
    attachments: list[Attachment] = field(default_factory=list)
    starter_code: dict[str, str] = field(default_factory=dict)
    # The editor's per-language data (id, name, extensions, mode), for the page's JSON.
    editor: list[dict[str, Any]] = field(default_factory=list)


def submit(
    user: User,
    slug: str,
    language: str,
    source: str | Sequence[SentFile],
    *,
    kind: str = "submit",
    round_id: int | None = None,
    entry: str | None = None,
) -> Submission:
    """Send source (one file's text, or several (name, content)) for a challenge the user may
    open (in a round: one of its problems, in the participant's window); the pipeline checks
    files, size and rate."""
    if round_id is None:
        challenge = visible_challenge(user, slug)
        return submissions.create_submission(
            user, challenge, language, source, kind=kind, entry=entry
        )
    problem = round_problem(user, round_id, slug, utcnow())
    return submissions.create_submission(
        user, problem.challenge, language, source, kind=kind, round_=problem.round, entry=entry
    )


def submission_view(user: User, submission_id: int) -> dict[str, Any]:
    """The JSON state of a submission the user may see (NotFound otherwise)."""
    return submission_state(visible_submission(user, submission_id), user)


def languages_for(challenge: Challenge) -> list[tuple[str, str]]:
    """(id, display name) of the languages a challenge accepts, in the judge's order."""
    return [(id_, name) for id_, name in languages.choices() if challenge.allows_language(id_)]


def attachment(user: User, slug: str, name: str, round_id: int | None = None) -> ServedFile:
    """An attachment of a challenge the user may open (or of a round's problem, which a
    contestant opens through the round even before the challenge is published)."""
    if round_id is None:
        return attachment_file(visible_challenge(user, slug), name)
    return attachment_file(round_problem(user, round_id, slug, utcnow()).challenge, name)


def solve_page(user: User, slug: str, round_id: int | None = None) -> SolvePage:
    """Everything the solve page needs for a challenge the user may open (or a round's
    problem, offering only the languages the round allows)."""
    problem = None
    if round_id is None:
        challenge = visible_challenge(user, slug)
        offered = languages_for(challenge)
    else:
        problem = round_problem(user, round_id, slug, utcnow())
        challenge = problem.challenge
        offered = [
            choice
            for choice in languages_for(challenge)
            if allows_language(problem.round, choice[0])
        ]
    return SolvePage(
        problem=problem,
        challenge=challenge,
        statement_html=render_statement(challenge),
        samples=sample_views(challenge),
        languages=offered,
        attachments=attachments_of(challenge),
        editor=languages.editor_data([id_ for id_, _ in offered]),
        starter_code={
            k: v for k, v in (challenge.starter_code or {}).items() if isinstance(v, str)
        },
    )


def render_statement(challenge: Challenge) -> str:
    """The statement as safe HTML, rendered as the challenge pages render it."""
    return str(render.render_statement(challenge))


def history(
    viewer: User, slug: str, *, user_id: int | None = None, kinds: tuple[str, ...] = ("submit",)
) -> tuple[Challenge, list[Submission]]:
    """Submissions to a challenge, newest first: the viewer's own, or (staff) anyone's."""
    challenge = visible_challenge(viewer, slug)
    query = (
        select(Submission)
        .where(Submission.challenge_id == challenge.id, Submission.kind.in_(kinds))
        .order_by(Submission.created_at.desc(), Submission.id.desc())
    )
    if not manages_challenge(viewer, challenge):
        query = query.where(Submission.user_id == viewer.id)
    elif user_id is not None:
        query = query.where(Submission.user_id == user_id)
    return challenge, list(db.session.scalars(query.limit(500)))


@dataclass
class SubmissionPage:
    """A submission, its state as the viewer may see it, and whether the viewer runs it."""

    submission: Submission
    state: dict[str, Any]
    manages: bool
    files: list[tuple[str, str]] = field(default_factory=list)  # name, text; main first


def submission_detail(viewer: User, submission_id: int) -> SubmissionPage:
    """A submission with its source and state, for its owner or its challenge's staff."""
    submission = visible_submission(viewer, submission_id)
    return SubmissionPage(
        submission=submission,
        state=submission_state(submission, viewer),
        manages=manages_challenge(viewer, submission.challenge),
        files=files_of(submission),
    )
