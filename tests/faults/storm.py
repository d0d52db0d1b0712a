"""T1's moving parts: students posting through the API, the outages, and what they add up to."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models import Judgement, Submission, TestResult
from tests.faults.judging import SUM, WRONG_SUM
from tests.faults.scale import Scale

# A refused post is tried again after this pause, for at most this long (a student would too).
RETRY_PAUSE_S = 1.0
GIVE_UP_AFTER_S = 300.0
REQUEST_TIMEOUT_S = 60.0
# Answers this long after an outage ended still count as caught in it (pools reconnecting).
OUTAGE_GRACE_S = 15.0


@dataclass
class Answer:
    """One HTTP try of one submission."""

    index: int
    sent: float  # time.time()
    took: float
    status: int | None  # None: no HTTP answer at all (refused, reset, timed out)
    code: str = ""  # the JSON error code, or the exception's name
    submission_id: int | None = None


@dataclass
class Outage:
    kind: str
    start: float
    end: float = 0.0

    @property
    def seconds(self) -> float:
        return self.end - self.start

    def caught(self, moment: float) -> bool:
        return self.start <= moment <= self.end + OUTAGE_GRACE_S


@dataclass
class Posting:
    """Students posting their share of the submissions, spread evenly over the posting time."""

    url: str
    tokens: list[str]
    challenge: str
    scale: Scale
    answers: list[Answer] = field(default_factory=list)
    accepted: dict[int, str] = field(default_factory=dict)  # submission id -> expected verdict
    given_up: list[int] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        self.t0 = time.time()
        for student, token in enumerate(self.tokens):
            thread = threading.Thread(target=self._student, args=(student, token), daemon=True)
            thread.start()
            self._threads.append(thread)

    @property
    def done(self) -> bool:
        return not any(thread.is_alive() for thread in self._threads)

    def join(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _student(self, student: int, token: str) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        step = self.scale.posting_s / self.scale.submissions
        for index in range(student, self.scale.submissions, len(self.tokens)):
            time.sleep(max(0.0, self.t0 + index * step - time.time()))
            self._submit(session, index)
        session.close()

    def _submit(self, session: requests.Session, index: int) -> None:
        verdict = "AC" if index % 2 == 0 else "WA"
        body = {"challenge": self.challenge, "language": "python3",
                "source": SUM if verdict == "AC" else WRONG_SUM}  # fmt: skip
        first = time.monotonic()
        while time.monotonic() - first < GIVE_UP_AFTER_S:
            sent = time.time()
            answer = Answer(index, sent, 0.0, None)
            try:
                response = session.post(
                    self.url + "/api/v1/submissions", json=body, timeout=REQUEST_TIMEOUT_S
                )
                answer.status = response.status_code
                payload = _json(response)
                if response.status_code == 201:
                    answer.submission_id = int(payload["id"])
                else:
                    answer.code = str((payload.get("error") or {}).get("code", ""))
            except requests.RequestException as error:
                answer.code = type(error).__name__
            answer.took = time.time() - sent
            with self._lock:
                self.answers.append(answer)
                if answer.submission_id is not None:
                    self.accepted[answer.submission_id] = verdict
                    return
            time.sleep(RETRY_PAUSE_S)
        with self._lock:
            self.given_up.append(index)


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        payload = response.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def progress(accepted: set[int]) -> int:
    """How many of these submissions have a finished judgement (0 while the database is away)."""
    if not accepted:
        return 0
    try:
        query = select(func.count(func.distinct(Judgement.submission_id))).where(
            Judgement.submission_id.in_(accepted), Judgement.status.in_(("done", "failed"))
        )
        finished = int(db.session.scalar(query) or 0)
        db.session.rollback()
        return finished
    except SQLAlchemyError:  # the database is restarting: its pooled connections are dead
        db.session.remove()
        db.engine.dispose()
        return 0


def _utc(moment: datetime | None) -> float | None:
    return None if moment is None else moment.replace(tzinfo=UTC).timestamp()


def judgements_of(ids: set[int]) -> dict[int, list[dict[str, Any]]]:
    """Every judgement of every stored submission, with its test results counted."""
    db.session.remove()
    db.engine.dispose()
    results = {
        row.judgement_id: (row.results, row.positions)
        for row in db.session.execute(
            select(TestResult.judgement_id, func.count().label("results"),
                   func.count(func.distinct(TestResult.position)).label("positions"))
            .group_by(TestResult.judgement_id)
        )
    }  # fmt: skip
    found: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    for judgement in db.session.scalars(select(Judgement).order_by(Judgement.id)):
        counted = results.get(judgement.id, (0, 0))
        found.setdefault(judgement.submission_id, []).append(
            {
                "id": judgement.id,
                "status": judgement.status,
                "verdict": judgement.verdict,
                "attempts": judgement.attempts,
                "error": judgement.error[-300:],
                "created": _utc(judgement.created_at),
                "finished": _utc(judgement.finished_at),
                "results": counted[0],
                "positions": counted[1],
            }  # fmt: skip
        )
    return found


def stored_submissions() -> set[int]:
    return set(db.session.scalars(select(Submission.id)))


def answers_by_outage(answers: list[Answer], outages: list[Outage]) -> dict[str, Any]:
    """The HTTP answers each outage caught, by status, and those no outage explains."""
    caught: dict[str, Counter[str]] = {o.kind: Counter() for o in outages}
    elsewhere: Counter[str] = Counter()
    for answer in answers:
        label = str(answer.status) if answer.status is not None else answer.code
        # The latest outage begun before it: an earlier one's grace may reach into the next.
        outage = max((o for o in outages if o.caught(answer.sent)), key=lambda o: o.start,
                     default=None)  # fmt: skip
        if outage is not None:
            caught[outage.kind][label] += 1
        elif answer.status != 201:
            elsewhere[label] += 1
    return {
        "per_outage": {k: dict(v) for k, v in caught.items()},
        "outside_outages": dict(elsewhere),
    }
