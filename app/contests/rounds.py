"""Round services: create and edit a round and its problem set, each field checked by name."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.challenges.access import manages_challenge
from app.contests import notices
from app.courses.access import can_manage
from app.errors import Forbidden, NotFound, ValidationError
from app.extensions import db
from app.judging import languages
from app.models import MODES, SCORINGS, VISIBILITIES, Challenge, Course, Round, RoundProblem, User
from app.scoring import cache
from app.scoring import live as board_live

NAME_MAX = 120
LABEL_MAX = 8
SCORINGS_OF = {"contest": ("icpc", "ioi"), "timed": ("icpc", "ioi"), "assignment": ("assignment",)}
COLORS = ("#ef4444", "#3b82f6", "#22c55e", "#eab308", "#a855f7", "#f97316", "#14b8a6", "#ec4899")


@dataclass
class ProblemSpec:
    """One problem of a round as a form or the API gives it."""

    challenge_id: int
    label: str = ""
    points: float = 100.0
    color: str = ""


@dataclass
class RoundSpec:
    """Everything a host sets on a round; checked as a whole by check_spec."""

    name: str
    mode: str
    starts_at: datetime
    ends_at: datetime
    scoring: str = ""
    description: str = ""
    course_id: int | None = None
    visibility: str = "course"
    duration_minutes: int | None = None
    due_at: datetime | None = None
    credit_windows: list[tuple[datetime, float]] = field(default_factory=list)
    freeze_at: datetime | None = None
    penalty_minutes: int = 20
    ce_penalty: bool = False
    team_size: int = 1
    languages: list[str] = field(default_factory=list)
    medals: tuple[int, int, int] = (4, 4, 4)  # the ICPC default
    problems: list[ProblemSpec] = field(default_factory=list)


def _refuse(field_name: str, message: str) -> ValidationError:
    return ValidationError(message, code="invalid", field=field_name)


def check_spec(spec: RoundSpec) -> None:
    """Refuse a round that can't run, naming the field at fault."""
    spec.name = spec.name.strip()
    if not spec.name or len(spec.name) > NAME_MAX:
        raise _refuse("name", f"Give the round a name of 1 to {NAME_MAX} characters.")
    if spec.mode not in MODES:
        raise _refuse("mode", f"The mode must be one of {', '.join(MODES)}.")
    spec.scoring = spec.scoring or SCORINGS_OF[spec.mode][0]
    if spec.scoring not in SCORINGS or spec.scoring not in SCORINGS_OF[spec.mode]:
        allowed = ", ".join(SCORINGS_OF[spec.mode])
        raise _refuse("scoring", f"A {spec.mode} round is scored {allowed}.")
    if spec.ends_at <= spec.starts_at:
        raise _refuse("ends_at", "The end must come after the start.")
    if spec.visibility not in VISIBILITIES:
        raise _refuse("visibility", f"Visibility must be one of {', '.join(VISIBILITIES)}.")
    if spec.visibility == "course" and spec.course_id is None:
        raise _refuse("course_id", "A round open to a course's students needs the course.")
    _check_mode(spec)
    if spec.freeze_at is not None:
        if spec.mode == "assignment":
            raise _refuse("freeze_at", "An assignment has no scoreboard freeze.")
        if not spec.starts_at <= spec.freeze_at < spec.ends_at:
            raise _refuse("freeze_at", "The freeze must fall inside the contest.")
    if not 0 <= spec.penalty_minutes <= 1000:
        raise _refuse("penalty_minutes", "The penalty is 0 to 1000 minutes.")
    if not 1 <= spec.team_size <= 3:
        raise _refuse("team_size", "Teams have 1 to 3 members.")
    unknown = [language for language in spec.languages if not languages.is_known(language)]
    if unknown:
        raise _refuse("languages", f"Unknown language(s): {', '.join(unknown)}.")
    if any(count < 0 or count > 100 for count in spec.medals):
        raise _refuse("medals", "Medal counts are 0 to 100.")
    _check_problems(spec.problems)


def _check_mode(spec: RoundSpec) -> None:
    if spec.mode == "timed":
        window = (spec.ends_at - spec.starts_at).total_seconds() / 60
        if not spec.duration_minutes or not 0 < spec.duration_minutes <= window:
            raise _refuse(
                "duration_minutes",
                "A timed round needs a personal time of at least a minute that fits its window.",
            )
    elif spec.duration_minutes is not None:
        raise _refuse("duration_minutes", "Only a timed round has a personal time.")
    if spec.mode != "assignment":
        if spec.due_at is not None or spec.credit_windows:
            raise _refuse("due_at", "Only an assignment has a due date and credit windows.")
        return
    if spec.due_at is None or not spec.starts_at < spec.due_at <= spec.ends_at:
        raise _refuse("due_at", "The due date must fall after the start, by the hard cutoff.")
    previous = spec.due_at
    for until, credit in spec.credit_windows:
        if not previous < until <= spec.ends_at:
            raise _refuse(
                "credit_windows",
                "Credit windows follow the due date in order and end by the hard cutoff.",
            )
        if not 0 < credit < 1:
            raise _refuse("credit_windows", "A late credit is between 0 and 100% (exclusive).")
        previous = until
    # The hard cutoff is where the last credit ends: a gap would refuse submissions as closed
    # while the countdown still says the assignment closes later.
    if previous != spec.ends_at:
        if not spec.credit_windows:
            raise _refuse("due_at", "Without a late credit window the due date is the hard "
                                    "cutoff: set them equal, or add a window up to the cutoff.")  # fmt: skip
        raise _refuse("credit_windows", "The last credit window must end at the hard cutoff.")


def _check_problems(problems: list[ProblemSpec]) -> None:
    if not problems:
        raise _refuse("problems", "Add at least one problem.")
    labels: set[str] = set()
    challenges: set[int] = set()
    for position, problem in enumerate(problems):
        problem.label = (problem.label or _label(position)).strip().upper()
        if not problem.label or len(problem.label) > LABEL_MAX or not problem.label.isalnum():
            raise _refuse("problems", f"A label is 1 to {LABEL_MAX} letters or digits.")
        if problem.label in labels:
            raise _refuse("problems", f"The label {problem.label} is used twice.")
        if problem.challenge_id in challenges:
            raise _refuse("problems", "A challenge appears twice in the problem set.")
        if not 0 < problem.points <= 10000:
            raise _refuse("problems", "A problem is worth more than 0 and at most 10000 points.")
        labels.add(problem.label)
        challenges.add(problem.challenge_id)
        problem.color = problem.color or COLORS[position % len(COLORS)]


def _label(position: int) -> str:
    """A, B, ..., Z, AA, AB, ... (as contest problem sets are labelled)."""
    label = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


def create_round(owner: User, spec: RoundSpec) -> Round:
    """A new round with its problem set, owned by a teacher or admin."""
    if not owner.is_staff:
        raise Forbidden("Only teachers and admins create rounds.")
    round_ = Round(
        owner_id=owner.id,
        invite_code=secrets.token_urlsafe(12),
        projector_key=secrets.token_urlsafe(32),
    )
    _apply(owner, round_, spec)
    db.session.add(round_)
    db.session.flush()
    notices.assignment_published(round_)
    db.session.commit()
    return round_


def update_round(user: User, round_: Round, spec: RoundSpec) -> Round:
    """Change a round; its problem set is replaced (labels keep their submissions' cells)."""
    _apply(user, round_, spec)
    db.session.flush()
    cache.rebuild(round_)  # points, penalty or problems changed: the board from scratch
    db.session.commit()
    board_live.bump(round_.id)
    return round_


def _apply(user: User, round_: Round, spec: RoundSpec) -> None:
    check_spec(spec)
    if spec.course_id is not None:
        course = db.session.get(Course, spec.course_id)
        if course is None or not can_manage(user, course):
            raise _refuse("course_id", "No such course among the ones you teach.")
    challenges = {
        challenge.id: challenge
        for challenge in db.session.scalars(
            select(Challenge).where(Challenge.id.in_([p.challenge_id for p in spec.problems]))
        )
    }
    for problem in spec.problems:
        challenge = challenges.get(problem.challenge_id)
        if challenge is None or not manages_challenge(user, challenge):
            raise NotFound(f"No challenge {problem.challenge_id} among the ones you manage.")
    for name in ("name", "mode", "scoring", "description", "course_id", "visibility",
                 "duration_minutes", "due_at", "freeze_at", "penalty_minutes", "ce_penalty",
                 "team_size", "languages", "starts_at", "ends_at"):  # fmt: skip
        setattr(round_, name, getattr(spec, name))
    round_.credit_windows = [
        {"until": until.isoformat(), "credit": credit} for until, credit in spec.credit_windows
    ]
    round_.gold_medals, round_.silver_medals, round_.bronze_medals = spec.medals
    existing = {problem.label: problem for problem in round_.problems}
    round_.problems = [
        _problem(existing.get(p.label), p, position) for position, p in enumerate(spec.problems)
    ]


def _problem(row: RoundProblem | None, spec: ProblemSpec, position: int) -> RoundProblem:
    row = row or RoundProblem()
    row.challenge_id, row.label, row.position = spec.challenge_id, spec.label, position
    row.points, row.color = spec.points, spec.color
    return row


def problem_for(round_: Round, challenge: Challenge) -> RoundProblem:
    """The round's problem for this challenge; NotFound if it is not in the round."""
    for problem in round_.problems:
        if problem.challenge_id == challenge.id:
            return problem
    raise NotFound("That challenge is not part of this round.")


def allows_language(round_: Round, language: str) -> bool:
    """The round's own language list (empty: whatever the challenge allows)."""
    return not round_.languages or language in round_.languages
