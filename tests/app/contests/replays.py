"""A finalized contest to replay, for the virtual participation tests of every area (contests,
CLICS, gamification), with frozen time: the original results and a virtual run a day later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine
from flask import Flask

from app.contests import participation, state
from app.extensions import db
from app.judging import service
from app.judging.outcome import JudgeOutcome
from app.models import Participant, Round, Submission, User
from app.submissions.service import create_submission
from tests.factories import make_challenge, make_round, make_user

T0 = datetime(2026, 12, 1, 9, 0)  # the contest starts
FREEZE = T0 + timedelta(minutes=90)
FINAL = T0 + timedelta(hours=2, minutes=5)  # finalized (while frozen)
RUN = T0 + timedelta(days=1)  # Vi starts her virtual run
GOOD = "print(sum(map(int, input().split())))\n"
# (who, problem, contest minute, verdict): Bob fails A, then solves it; Ada solves A, and B after
# the freeze (hidden from the public: the round is finalized while frozen); Cy solves B.
ORIGINAL = (("bob", "A", 5, "WA"), ("ada", "A", 10, "AC"), ("bob", "A", 30, "AC"),
            ("cy", "B", 60, "AC"), ("ada", "B", 100, "AC"))  # fmt: skip


def at(moment: datetime) -> Any:
    return time_machine.travel(moment.replace(tzinfo=UTC), tick=False)


def judge(submission: Submission, verdict: str) -> None:
    judgement = submission.judgements[-1]
    service.start_attempt(judgement.id, "test-worker")
    service.record_result(judgement.id, JudgeOutcome(verdict, 100.0 if verdict == "AC" else 0.0))


@dataclass
class Replay:
    """The contest, its teacher and people (Vi took no part in it)."""

    round: Round
    teacher: User
    people: dict[str, User]

    def send(self, who: str, label: str, moment: datetime, verdict: str | None) -> Submission:
        """A submission at that moment, judged with that verdict (None: left judging)."""
        round_ = db.session.get(Round, self.round.id)
        challenge = next(p.challenge for p in round_.problems if p.label == label)
        with at(moment):
            sent = create_submission(self.people[who], challenge, "python3", GOOD, round_=round_)
            if verdict is not None:
                judge(sent, verdict)
        return sent

    def start(self, moment: datetime = RUN) -> Participant:
        with at(moment):
            return participation.start_virtual(
                self.people["vi"], db.session.get(Round, self.round.id)
            )

    def run(self) -> Participant:
        """Vi's run: a WA on A at minute 3, A at 15 and B at 50 (before Cy's B at 60)."""
        run = self.start()
        for label, minute, verdict in (("A", 3, "WA"), ("A", 15, "AC"), ("B", 50, "AC")):
            self.send("vi", label, RUN + timedelta(minutes=minute), verdict)
        return run


def finalized_contest(app: Flask, start: datetime = T0) -> Replay:
    """A two-hour contest from start (gold, silver, bronze: one each), frozen at minute 90,
    its results as ORIGINAL, finalized while frozen (FREEZE and FINAL are T0's)."""
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher", name="Teacher")
    problems = [make_challenge(owner_id=teacher.id, title=t, slug=t.lower())
                for t in ("Apples", "Bananas")]  # fmt: skip
    with at(start - timedelta(hours=1)):
        round_ = make_round(teacher, problems, name="Autumn Cup", starts_at=start,
                            ends_at=start + timedelta(hours=2), medals=(1, 1, 1),
                            freeze_at=start + (FREEZE - T0))  # fmt: skip
    people = {name.lower(): make_user(name=name) for name in ("Ada", "Bob", "Cy", "Vi")}
    replay = Replay(round_, teacher, people)
    for who, label, minute, verdict in ORIGINAL:
        replay.send(who, label, start + timedelta(minutes=minute), verdict)
    with at(start + (FINAL - T0)):
        state.finalize(None, db.session.get(Round, round_.id))
    return replay
