"""The board of a virtual run: the original contestants as they stood at the same time into
the contest, and the run's own row ranked among them (as Codeforces ranks a virtual contest).

It is built for the run alone and stored nowhere: the official board, its counts and marks, the
CSV, the CLICS scoreboard and the awards never hold a virtual row (boards.seen_board).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select

from app.extensions import db
from app.models import Participant, Round, Submission
from app.scoring.attempts import attempts_by_participant, clocks, rules_of, submissions
from app.scoring.board import Board, compute_board
from app.scoring.boards import Seen, board_json, iso
from app.scoring.freeze import Viewer, visible
from app.scoring.standings import first_to_solve
from app.scoring.types import Attempt, Rules


def as_of(attempts: Iterable[Attempt], seconds: float) -> list[Attempt]:
    """The attempts sent before `seconds` into the contest (each on its own clock)."""
    return [a for a in attempts if a.at_seconds < seconds]


def replay_board(originals: Iterable[Attempt], own: Iterable[Attempt], seconds: float,
                 rules: Rules, names: Mapping[int, str], problems: Sequence[str]) -> Board:  # fmt: skip
    """The board at `seconds` into the contest: the originals' rows and the run's, ranked
    together. First to solve stays the originals' alone: a run is not ranked for marks."""
    then = as_of(originals, seconds)
    board = compute_board([*then, *as_of(own, seconds)], rules, names, problems)
    return replace(board, first=first_to_solve(then, rules, problems))


def elapsed(round_: Round, run: Participant, now: datetime) -> float:
    """Seconds into the run's contest: from its Start, at most the contest's length."""
    assert run.started_at is not None
    return min(max(0.0, (now - run.started_at).total_seconds()), round_.duration.total_seconds())


def replay_seen(round_: Round, run: Participant, now: datetime) -> Seen:
    """The run's board now: the originals' results as the public saw them at that minute (the
    freeze holds until the thaw), the run's own in full."""
    seconds = elapsed(round_, run, now)
    on_board: ColumnElement[bool] = or_(Participant.virtual.is_(False), Participant.id == run.id)
    names = dict(db.session.execute(select(Participant.id, Participant.name).where(
        Participant.round_id == round_.id, on_board)).tuples().all())  # fmt: skip
    on_clock = clocks(round_, on_board)
    # Only the submissions that can count: a contest's clocks start with it (it has no Start).
    cutoff = round_.starts_at + timedelta(seconds=seconds)
    sent = submissions(round_.id, or_(Submission.participant_id == run.id,
                                      Submission.created_at < cutoff))  # fmt: skip
    labels = {p.challenge_id: p.label for p in round_.problems}
    viewer, thawed = Viewer("participant", run.id), round_.thawed_at is not None
    originals: list[Attempt] = []
    own: list[Attempt] = []
    for pid, items in attempts_by_participant(round_, on_clock, labels, sent).items():
        shown = visible(items, freeze_seconds=on_clock[pid].freeze, viewer=viewer, thawed=thawed)
        (own if pid == run.id else originals).extend(shown)
    board = replay_board(originals, own, seconds, rules_of(round_), names, list(labels.values()))
    solver = {a.submission_id: a.participant_id for a in originals}
    firsts = {label: solver.get(sid) if sid else None for label, sid in board.first.items()}
    return Seen(round_, board, names, {run.id}, firsts)


def replay_json(round_: Round, run: Participant, now: datetime) -> dict[str, Any]:
    """board_json of the run's board, its freeze on the run's clock, and the run's window."""
    seconds = elapsed(round_, run, now)
    payload = board_json(replay_seen(round_, run, now), now)
    freeze = round_.freeze_at
    payload["round"]["frozen"] = (freeze is not None and round_.thawed_at is None
                                  and seconds >= (freeze - round_.starts_at).total_seconds())  # fmt: skip
    assert run.started_at is not None
    payload["virtual"] = {"participant_id": run.id, "started_at": iso(run.started_at),
                          "ends_at": iso(run.started_at + round_.duration),
                          "minute": int(seconds // 60)}  # fmt: skip
    return payload
