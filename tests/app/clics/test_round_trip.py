"""Export then import is the identity, on what a plain pass-fail contest doesn't exercise: a
score contest whose problems are not worth 100 points, a judging error, a submission still
judging, and sources under their CLICS ids through a second export of the imported copy."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, timedelta
from typing import Any

import time_machine
from sqlalchemy import select

from app.clics import exporter, importer, package_reader
from app.clics.roles import JURY, SPECTATOR
from app.clics.service import collection, scoreboard
from app.contests.rounds import ProblemSpec, RoundSpec, create_round
from app.extensions import db
from app.judging import service
from app.judging.outcome import JudgeOutcome, TestOutcome
from app.models import Round, Submission, utcnow
from app.submissions.service import create_submission
from tests.factories import make_challenge, make_user


def _score(sent: Submission, verdict: str, score: float) -> None:
    judgement = sent.judgements[-1]
    service.start_attempt(judgement.id, "test-worker")
    service.record_result(judgement.id, JudgeOutcome(verdict, score, tests=[
        TestOutcome(1, "01", "", verdict, time_ms=20)]))  # fmt: skip


def _score_contest() -> Round:
    """A running score contest, A worth 40 and B 250: partial scores, an accept after a
    partial one, a judging error (retries exhausted) and a submission still judging."""
    teacher = make_user(role="teacher")
    problems = [make_challenge(owner_id=teacher.id, title=t) for t in ("Apples", "Bananas")]
    now = utcnow().replace(microsecond=0)
    start = now - timedelta(hours=2)
    with time_machine.travel((start - timedelta(hours=1)).replace(tzinfo=UTC), tick=False):
        round_ = create_round(teacher, RoundSpec(
            name="Partial", mode="contest", scoring="ioi", visibility="public", starts_at=start,
            ends_at=now + timedelta(hours=1),
            problems=[ProblemSpec(problems[0].id, points=40.0), ProblemSpec(problems[1].id, points=250.0)]))  # fmt: skip
    ada, bob, cy = (make_user(name=n) for n in ("Ada", "Bob", "Cy"))
    with time_machine.travel((now - timedelta(hours=1)).replace(tzinfo=UTC), tick=False):
        _score(create_submission(ada, problems[0], "python3", "print(1)\n", round_=round_), "WA", 50.0)
        _score(create_submission(ada, problems[1], "python3", "print(2)\n", round_=round_), "WA", 60.0)
        _score(create_submission(bob, problems[0], "python3", "print(3)\n", round_=round_), "WA", 25.0)
        failed = create_submission(bob, problems[1], "python3", "print(4)\n", round_=round_)
        service.record_failure(failed.judgements[-1].id, "the checker crashed", give_up=True)
        create_submission(cy, problems[1], "python3", "print(5)\n", round_=round_)  # still judging
    with time_machine.travel((now - timedelta(minutes=30)).replace(tzinfo=UTC), tick=False):
        _score(create_submission(ada, problems[0], "python3", "print(6)\n", round_=round_), "AC", 100.0)
    return round_


def _again(round_: Round) -> Round:
    """The round exported with its sources and imported as a new one."""
    archive = zipfile.ZipFile(io.BytesIO(exporter.export_zip(round_, sources=True)))
    files = {name: archive.read(name) for name in archive.namelist()}
    return importer.store(package_reader.read_files(files), make_user(role="admin")).round


def _results(round_: Round) -> list[tuple[Any, ...]]:
    return [(j["id"], j["submission_id"], j["judgement_type_id"], j["score"], j["end_time"] is None)
            for j in collection(round_, JURY, "judgements", utcnow())]  # fmt: skip


def _sources(round_: Round) -> dict[str, str]:
    rows = db.session.execute(select(Submission.external_id, Submission.id, Submission.source)
                              .where(Submission.round_id == round_.id)).tuples()  # fmt: skip
    return {external or str(row_id): source for external, row_id, source in rows}


def test_a_score_contest_with_a_judging_error_and_a_pending_submission_round_trips(app):
    original = _score_contest()
    copy = _again(original)
    again = _again(copy)  # the copy's CLICS ids are not its row ids
    now = utcnow()
    for role in (JURY, SPECTATOR):
        board = scoreboard(original, role, now)["rows"]
        for imported in (copy, again):
            rows = scoreboard(imported, role, now)["rows"]
            assert [r["team_id"] for r in rows] == [r["team_id"] for r in board]
            for mine, theirs in zip(rows, board, strict=True):
                assert (mine["rank"], mine["score"]) == (theirs["rank"], theirs["score"]), mine
                for cell, expected in zip(mine["problems"], theirs["problems"], strict=True):
                    assert cell == expected, (mine["team_id"], cell, expected)
    # Ada's best on A is 40 points, her B 60% of 250; Bob's B is a judging error, pending.
    cells = {(r["team_id"], p["problem_id"]): p for r in scoreboard(original, JURY, now)["rows"]
             for p in r["problems"]}  # fmt: skip
    ada, bob, cy = (str(p.id) for p in original.participants)
    assert cells[(ada, "A")]["score"] == 40.0 and cells[(ada, "B")]["score"] == 150.0
    assert cells[(bob, "B")]["num_pending"] == 1 and cells[(cy, "B")]["num_pending"] == 1
    results = _results(original)
    assert [r[2] for r in results] == ["WA", "WA", "WA", "JE", None, "AC"]
    assert [r[3] for r in results] == [20.0, 150.0, 10.0, 0.0, 0.0, 40.0]  # in points
    assert _results(copy) == results and _results(again) == results
    # The same objects but where a bare imported problem has no tests and files are by round.
    for endpoint, local in (("languages", ()), ("problems", ("test_data_count",)), ("submissions", ("files",))):
        served = [collection(r, JURY, endpoint, now) for r in (original, again)]
        assert [[{k: v for k, v in i.items() if k not in local} for i in s] for s in served] == [
            [{k: v for k, v in i.items() if k not in local} for i in served[0]]] * 2
    assert _sources(again) == _sources(copy) == _sources(original)
    assert "print(6)\n" in _sources(again).values()


def test_a_judging_error_imports_as_one_whatever_a_compile_error_costs():
    types = {"JE": {"id": "JE", "penalty": False, "solved": False}, "CE": {"id": "CE", "penalty": False}}
    for ce_penalty in (False, True):
        assert importer.verdict_of("JE", types, ce_penalty) == "IE"
        assert importer.verdict_of("JE", {}, ce_penalty) == "IE"
