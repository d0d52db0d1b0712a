"""What the round pages show: the list, a round's home with status marks, the host's form."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from app.challenges.access import manages_challenge
from app.contests.access import is_staff_of, may_see_round, participant_of, visible_round
from app.contests.forms import RoundForm
from app.contests.rounds import ProblemSpec, RoundSpec
from app.courses.access import can_manage
from app.errors import ValidationError
from app.extensions import db
from app.models import (
    Challenge,
    Course,
    Enrollment,
    Participant,
    ParticipantMember,
    Round,
    RoundProblem,
    Submission,
    User,
)
from app.scoring.windows import Window, window_of


@dataclass
class ProblemMark:
    """A problem on the round's home, with the viewer's own status on it."""

    problem: RoundProblem
    status: str  # "solved", "tried", "pending" or "" (no submission yet)
    tries: int = 0
    best_score: float = 0.0


@dataclass
class RoundHome:
    """Everything a round's home page shows one viewer."""

    round: Round
    now: datetime
    state: str
    staff: bool
    participant: Participant | None
    window: Window | None
    problems_open: bool
    marks: list[ProblemMark] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)

    @property
    def may_start(self) -> bool:
        """A timed round's Start button: for a student whose window is not open yet, whether
        or not they stand on the round already (a question, a refused submission or the
        staff's team registers them before Start)."""
        return (
            not self.staff
            and self.round.mode == "timed"
            and self.round.starts_at <= self.now < self.round.ends_at
            and (self.participant is None or self.participant.started_at is None)
        )

    @property
    def countdown(self) -> dict[str, Any]:
        """What the countdown counts to, by the server's clock (the page corrects for skew)."""
        if self.now < self.round.starts_at:
            return {"label": "Starts in", "target": self.round.starts_at}
        if self.window is not None and self.now < self.window.closes:
            label = "Due in" if self.now < self.window.due else "Closes in"
            if self.round.mode != "assignment":
                label = "Time left"
            target = self.window.due if self.now < self.window.due else self.window.closes
            return {"label": label, "target": target}
        if self.now < self.round.ends_at:
            return {"label": "Round ends in", "target": self.round.ends_at}
        return {"label": "Ended", "target": None}


def round_home(user: User | Any, round_id: int, now: datetime) -> RoundHome:
    """The round's home for this viewer (NotFound if they may not see it)."""
    round_ = visible_round(user, round_id, None)
    staff = is_staff_of(user, round_)
    participant = participant_of(user, round_)
    window = window_of(round_, participant) if participant or round_.mode != "timed" else None
    started = now >= round_.starts_at
    if round_.mode == "timed" and now < round_.ends_at:
        started = participant is not None and participant.started_at is not None
    home = RoundHome(round_, now, round_.state_at(now), staff, participant, window,
                     staff or started)  # fmt: skip
    if participant is not None:
        home.submissions = list(
            db.session.scalars(
                select(Submission)
                .where(Submission.participant_id == participant.id, Submission.kind == "submit")
                .order_by(Submission.id.desc())
            )
        )
    home.marks = [_mark(problem, home.submissions) for problem in round_.problems]
    return home


def _mark(problem: RoundProblem, submissions: list[Submission]) -> ProblemMark:
    mine = [s for s in submissions if s.challenge_id == problem.challenge_id]
    mark = ProblemMark(problem, "", tries=len(mine))
    for submission in mine:
        finished = [j for j in submission.judgements if j.is_finished]
        if not finished:
            mark.status = mark.status or "pending"
            continue
        judgement = finished[-1]
        mark.best_score = max(mark.best_score, judgement.score)
        if judgement.final_verdict == "AC":
            mark.status = "solved"
        elif mark.status == "":
            mark.status = "tried"
    return mark


def rounds_for(user: User | Any, now: datetime) -> dict[str, list[Round]]:
    """The rounds a user may see, as running, upcoming and past (staff: also the ones they run)."""
    signed_in = bool(getattr(user, "is_authenticated", False))
    query = select(Round).order_by(Round.starts_at)
    if signed_in and not user.is_admin:
        courses = select(Enrollment.course_id).where(Enrollment.user_id == user.id)
        taught = select(Course.id).where(Course.owner_id == user.id)
        mine = select(ParticipantMember.round_id).where(ParticipantMember.user_id == user.id)
        query = query.where(or_(
            Round.visibility == "public", Round.owner_id == user.id, Round.id.in_(mine),
            Round.course_id.in_(courses), Round.course_id.in_(taught),
        ))  # fmt: skip
    elif not signed_in:
        query = query.where(Round.visibility == "public")
    groups: dict[str, list[Round]] = {"running": [], "upcoming": [], "past": []}
    for round_ in db.session.scalars(query):
        if not may_see_round(user, round_):
            continue
        key = (
            "upcoming" if now < round_.starts_at else "running" if now < round_.ends_at else "past"
        )
        groups[key].append(round_)
    groups["past"].reverse()
    return groups


def fill_choices(form: RoundForm, user: User) -> None:
    """The host's courses and the languages the judge knows."""
    from app.judging import languages

    courses = db.session.scalars(select(Course).order_by(Course.name)).all()
    form.course_id.choices = [(0, "No course")] + [
        (c.id, c.name) for c in courses if can_manage(user, c) and not c.archived
    ]
    form.languages.choices = languages.choices()


def spec_from_form(user: User, form: RoundForm) -> RoundSpec:
    """The round a filled-in form describes (checked by the round service)."""
    windows = []
    for until, credit in ((form.late_until_1.data, form.late_credit_1.data),
                          (form.late_until_2.data, form.late_credit_2.data)):  # fmt: skip
        if until is not None and credit is not None:
            windows.append((until, float(credit) / 100))
    assert form.starts_at.data is not None and form.ends_at.data is not None
    return RoundSpec(
        name=form.name.data or "",
        description=form.description.data or "",
        mode=form.mode.data or "",
        scoring=form.scoring.data or "",
        course_id=form.course_id.data or None,
        visibility=form.visibility.data or "",
        starts_at=form.starts_at.data,
        ends_at=form.ends_at.data,
        duration_minutes=form.duration_minutes.data,
        due_at=form.due_at.data,
        credit_windows=windows,
        freeze_at=form.freeze_at.data,
        penalty_minutes=form.penalty_minutes.data or 0,
        ce_penalty=bool(form.ce_penalty.data),
        team_size=form.team_size.data or 1,
        languages=list(form.languages.data or []),
        medals=(form.gold.data or 0, form.silver.data or 0, form.bronze.data or 0),
        problems=problems_from_text(user, form.problems.data or ""),
    )


def problems_from_text(user: User, text: str) -> list[ProblemSpec]:
    """`slug [label] [points]` per line, each a challenge the host manages."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words:
            continue
        challenge = db.session.scalar(select(Challenge).where(Challenge.slug == words[0]))
        if challenge is None or not manages_challenge(user, challenge):
            raise ValidationError(
                f"Line {number}: no challenge {words[0]!r} among the ones you manage.",
                field="problems",
            )
        label = words[1] if len(words) > 1 else ""
        try:
            points = float(words[2]) if len(words) > 2 else 100.0
        except ValueError as error:
            raise ValidationError(f"Line {number}: points must be a number.",
                                  field="problems") from error  # fmt: skip
        problems.append(ProblemSpec(challenge.id, label, points))
    return problems


def form_from_round(form: RoundForm, round_: Round) -> None:
    """Fill an edit form with the round as stored."""
    for name in ("name", "description", "mode", "scoring", "visibility", "starts_at", "ends_at",
                 "duration_minutes", "due_at", "freeze_at", "penalty_minutes", "ce_penalty",
                 "team_size", "languages"):  # fmt: skip
        getattr(form, name).data = getattr(round_, name)
    form.course_id.data = round_.course_id or 0
    form.gold.data, form.silver.data = round_.gold_medals, round_.silver_medals
    form.bronze.data = round_.bronze_medals
    for index, window in enumerate(round_.credit_windows[:2], start=1):
        getattr(form, f"late_until_{index}").data = datetime.fromisoformat(window["until"])
        getattr(form, f"late_credit_{index}").data = round(100 * float(window["credit"]))
    form.problems.data = "\n".join(
        f"{p.challenge.slug} {p.label} {p.points:g}" for p in round_.problems
    )


@dataclass
class Monitor:
    """The host's live view of a round: who takes part, their windows, the judging queue."""

    round: Round
    now: datetime
    participants: list[tuple[Participant, Window | None]]
    submissions: list[Submission]
    queued: int
    judging: int


def monitor(user: User, round_id: int, now: datetime) -> Monitor:
    """What the host's monitor shows (staff only)."""
    from app.contests.access import managed_round
    from app.models import Judgement

    round_ = managed_round(user, round_id)
    recent = list(db.session.scalars(
        select(Submission).where(Submission.round_id == round_.id, Submission.kind == "submit")
        .order_by(Submission.id.desc()).limit(100)
    ))  # fmt: skip
    statuses = db.session.execute(
        select(Judgement.status, func.count(Judgement.id))
        .join(Submission, Submission.id == Judgement.submission_id)
        .where(Submission.round_id == round_.id, Judgement.status.in_(("queued", "judging")))
        .group_by(Judgement.status)
    ).all()
    counts = {status: count for status, count in statuses}
    people = [(p, window_of(round_, p)) for p in round_.participants]
    return Monitor(round_, now, people, recent, counts.get("queued", 0), counts.get("judging", 0))
