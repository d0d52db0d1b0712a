"""What one viewer sees of a round's board, read from the score cache: the page's and the
socket's JSON, the CLICS scoreboard, CSV, awards and the resolver's steps.

The audience is the freeze boundary: staff read the jury rows; a participant reads the
public rows with their own row from the jury's; everyone else (spectators, the projector,
other participants) reads the public rows only.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

import redis
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Challenge,
    Enrollment,
    Participant,
    ParticipantMember,
    Round,
    ScoreRow,
    User,
)
from app.scoring.attempts import all_attempts, rules_of
from app.scoring.awards import awards as award_list
from app.scoring.board import Board, compute_board
from app.scoring.cache import totals_of
from app.scoring.freeze import PUBLIC, STAFF, Viewer, visible
from app.scoring.live import version_key
from app.scoring.resolver import reveal_steps
from app.scoring.standings import problem_counts, rank
from app.scoring.times import abstime, reltime
from app.scoring.types import Cell, Row
from app.stores import get_redis


@dataclass(frozen=True)
class Seen:
    """A board as one viewer may see it."""

    round: Round
    board: Board
    names: dict[int, str]
    virtual: set[int]  # rows of virtual runs: only a replay's own board has one (its own)
    firsts: dict[str, int | None]  # label -> participant id of the first to solve
    titles: dict[int, str] = field(default_factory=dict)  # challenge id -> title


def audience_of(viewer: Viewer, round_: Round) -> str:
    if viewer.kind == "staff" or not round_.freeze_at:
        return "jury"
    return "public"


def in_group(round_: Round, group: str) -> set[int]:
    """The participants with a member in this section of the round's course (a CLICS group)."""
    if round_.course_id is None:
        return set()
    return set(db.session.scalars(
        select(ParticipantMember.participant_id)
        .join(Enrollment, Enrollment.user_id == ParticipantMember.user_id)
        .where(ParticipantMember.round_id == round_.id, Enrollment.course_id == round_.course_id,
               Enrollment.section == group)
    ))  # fmt: skip


def seen_board(round_: Round, viewer: Viewer, language: str | None = None,
               group: str | None = None, cells_of: Iterable[int] | None = None) -> Seen:  # fmt: skip
    """The official board this viewer may see, from the cache (or, for a language's standings,
    from that language's submissions); with a group, only its participants, ranked among them.
    cells_of: read the cells of these participants only (a live update); every row's totals
    and rank are read all the same, from narrow columns. Virtual participants (a replay, a
    package's hidden team) are not on it: they neither take a place nor move one, here, in
    the CSV, the CLICS scoreboard or the awards (a replay's own board is virtual.py's)."""
    # Columns, not Participant objects: a live update of a 1,000-team board builds this.
    listed = db.session.execute(select(Participant.id, Participant.name)
                                .where(Participant.round_id == round_.id,
                                       Participant.virtual.is_(False))
                                .order_by(Participant.id)).all()  # fmt: skip
    names = {pid: name for pid, name in listed}
    if group is not None:
        members = in_group(round_, group)
        names = {pid: name for pid, name in names.items() if pid in members}
    labels = [p.label for p in round_.problems]
    titles = dict(db.session.execute(select(Challenge.id, Challenge.title).where(
        Challenge.id.in_([p.challenge_id for p in round_.problems]))).tuples().all())  # fmt: skip
    audience = audience_of(viewer, round_)
    if language:
        return _language_board(round_, viewer, language, names, labels, titles)
    own = viewer.participant_id if viewer.kind == "participant" else None
    audiences = {audience, "jury"} if own is not None else {audience}

    def mine(pid: int, stored_audience: str) -> bool:
        return stored_audience == ("jury" if pid == own else audience)

    columns = (ScoreRow.participant_id, ScoreRow.audience, ScoreRow.solved, ScoreRow.time,
               ScoreRow.last_accept, ScoreRow.score, ScoreRow.last_improvement)  # fmt: skip
    found = {
        r.participant_id: totals_of(r)
        for r in db.session.execute(
            select(*columns).where(ScoreRow.round_id == round_.id, ScoreRow.audience.in_(audiences))
        )  # fmt: skip
        if r.participant_id in names and mine(r.participant_id, r.audience)
    }
    rows = [found.get(pid) or Row(pid) for pid in names]
    wanted = select(ScoreRow.participant_id, ScoreRow.audience, ScoreRow.data).where(
        ScoreRow.round_id == round_.id, ScoreRow.audience.in_(audiences)
    )
    if cells_of is not None:
        wanted = wanted.where(ScoreRow.participant_id.in_(list(cells_of)))
    cells: dict[tuple[int, str], Cell] = {}
    for pid, stored_audience, data in db.session.execute(wanted):
        if pid in names and mine(pid, stored_audience):
            for label, value in data.get("cells", {}).items():
                cells[(pid, label)] = Cell.from_dict(value)
    mode = rules_of(round_).mode
    firsts = {p.label: ((p.firsts or {}).get(audience) or {}).get("participant_id")
              for p in round_.problems}  # fmt: skip
    if group is None:  # the whole board's footer is kept with the cells
        counts = {p.label: tuple((p.counts or {}).get(audience, (0, 0))) for p in round_.problems}
    else:
        counts = problem_counts(cells, labels)
    board = Board(rank(rows, names, mode), cells, {}, counts)
    return Seen(round_, board, names, set(), firsts, titles)


def _language_board(round_: Round, viewer: Viewer, language: str, names: dict[int, str],
                    labels: list[str], titles: dict[int, str]) -> Seen:  # fmt: skip
    """The standings counting only submissions in one language (a language leaderboard)."""
    rules = rules_of(round_)
    attempts = []
    for clock, items in all_attempts(round_, language):
        if clock.id not in names:
            continue
        shown = viewer if viewer.kind != "public" else PUBLIC
        attempts += visible(items, freeze_seconds=clock.freeze, viewer=shown,
                            thawed=round_.thawed_at is not None)  # fmt: skip
    board = compute_board(attempts, rules, names, labels)
    solver = {a.submission_id: a.participant_id for a in attempts}
    firsts = {label: solver.get(sid) if sid else None for label, sid in board.first.items()}
    return Seen(round_, board, names, set(), firsts, titles)


def iso(moment: Any) -> str | None:
    """A stored time as the board JSON carries it (UTC, to the second)."""
    return None if moment is None else f"{moment:%Y-%m-%dT%H:%M:%S}Z"


def row_json(seen: Seen, standing_index: int) -> dict[str, Any]:
    standing = seen.board.standings[standing_index]
    pid = standing.row.participant_id
    cells = {}
    for problem in seen.round.problems:
        value = seen.board.cells.get((pid, problem.label), Cell())
        cells[problem.label] = {
            "judged": value.judged, "pending": value.pending, "solved": value.solved,
            "time": value.time, "score": value.score,
            "first": value.solved and seen.firsts.get(problem.label) == pid,
        }  # fmt: skip
    row = standing.row
    return {"participant_id": pid, "name": seen.names.get(pid, ""), "rank": standing.rank,
            "solved": row.solved, "time": row.time, "score": row.score,
            "virtual": pid in seen.virtual, "cells": cells}  # fmt: skip


def board_json(seen: Seen, now: Any, *, only: Iterable[int] | None = None) -> dict[str, Any]:
    """The board as the page, the projector and `scoreboard.update` carry it."""
    round_ = seen.round
    wanted = set(only) if only is not None else None
    rows = [row_json(seen, i) for i, s in enumerate(seen.board.standings)
            if wanted is None or s.row.participant_id in wanted]  # fmt: skip
    return {
        "round": {
            "id": round_.id,
            "name": round_.name,
            "mode": round_.mode,
            "scoring": round_.scoring,
            "state": round_.state_at(now),
            "frozen": round_.is_frozen_at(now),
            "starts_at": iso(round_.starts_at),
            "ends_at": iso(round_.ends_at),
            "freeze_at": iso(round_.freeze_at),
            "now": iso(now),
        },  # fmt: skip
        "problems": problems_json(seen),
        "rows": rows,
        "order": [[s.row.participant_id, s.rank] for s in seen.board.standings],
    }


CACHE_SECONDS = 3600
_IDENTIFIER = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]{0,34}[A-Za-z0-9_-])?$")


def board_response(round_: Round, viewer: Viewer, now: Any) -> str:
    """board_json as text, the rows served from Redis while the board has not changed (one
    copy per round and audience; a participant's own view while frozen is built each time)."""
    own_view = viewer.kind == "participant" and audience_of(viewer, round_) == "public"
    if own_view:
        return json.dumps(board_json(seen_board(round_, viewer), now), separators=(",", ":"))
    audience = audience_of(viewer, round_)
    head = json.dumps(board_json(Seen(round_, Board([], {}, {}, {}), {}, set(), {}), now)["round"])
    connection = get_redis()
    try:
        version = cast(bytes | None, connection.get(version_key(round_.id))) or b"0"
        key = f"board:json:{round_.id}:{audience}:{version.decode()}"
        body = cast(bytes | None, connection.get(key))
    except redis.RedisError:
        version, key, body = None, None, None
    if body is None:
        seen = seen_board(round_, STAFF if audience == "jury" else PUBLIC)
        payload = board_json(seen, now)
        del payload["round"]
        body = json.dumps(payload, separators=(",", ":")).encode()
        if key is not None:
            with contextlib.suppress(redis.RedisError):
                connection.set(key, body, ex=CACHE_SECONDS)
    # The round's state and the clock are fresh on every answer; the rows are what changes.
    return '{"round":' + head + "," + body.decode()[1:]


def problems_json(seen: Seen) -> list[dict[str, Any]]:
    return [
        {
            "label": p.label,
            "name": seen.titles.get(p.challenge_id) or p.challenge.title,
            "color": p.color,
            "points": p.points,
            "solved": seen.board.counts.get(p.label, (0, 0))[0],
            "tried": seen.board.counts.get(p.label, (0, 0))[1],
        }  # fmt: skip
        for p in seen.round.problems
    ]


def board_csv(seen: Seen) -> str:
    """The standings as CSV: rank, participant, totals, then each problem's cell."""
    out = io.StringIO()
    writer = csv.writer(out)
    labels = [p.label for p in seen.round.problems]
    writer.writerow(["rank", "participant", "solved", "penalty_time", "score", *labels])
    for standing in seen.board.standings:
        pid, row = standing.row.participant_id, standing.row
        cells = [seen.board.cells.get((pid, label), Cell()) for label in labels]
        shown = [(f"{c.time}+{c.judged}" if c.solved else f"-{c.judged}") if seen.round.scoring == "icpc"
                 else f"{c.score:g}" for c in cells]  # fmt: skip
        writer.writerow([standing.rank, _safe(seen.names.get(pid, "")), row.solved, row.time,
                         f"{row.score:g}", *shown])  # fmt: skip
    return out.getvalue()


def _safe(text: str) -> str:
    """A name that a spreadsheet won't run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def clics_scoreboard(seen: Seen, now: Any) -> dict[str, Any]:
    """The CLICS 2023-06 scoreboard object."""
    round_ = seen.round
    elapsed = max(0.0, (min(now, round_.ends_at) - round_.starts_at).total_seconds())
    rows = []
    for standing in seen.board.standings:
        pid = standing.row.participant_id
        problems = []
        for problem in round_.problems:
            value = seen.board.cells.get((pid, problem.label), Cell())
            if not (value.judged or value.pending):
                continue
            # The spec's problem data: `solved` on a pass-fail board, `score` on a score one,
            # and `time` exactly when solved or scored (first to solve is an award).
            item: dict[str, Any] = {"problem_id": problem.label, "num_judged": value.judged,
                                    "num_pending": value.pending}  # fmt: skip
            if round_.scoring == "icpc":
                item["solved"] = value.solved
                if value.solved:
                    item["time"] = value.time if value.time is not None else 0
            else:
                item["score"] = value.score
                if value.score > 0:
                    item["time"] = int((value.improved_seconds or 0) // 60)
            problems.append(item)
        score: dict[str, Any] = {"num_solved": standing.row.solved}
        if round_.scoring == "icpc":
            score["total_time"] = standing.row.time
        else:
            score["score"] = standing.row.score
        rows.append({"rank": standing.rank, "team_id": str(pid), "score": score,
                     "problems": problems})  # fmt: skip
    return {"time": abstime(now), "contest_time": reltime(timedelta(seconds=elapsed)),
            "state": clics_state(round_, now), "rows": rows}  # fmt: skip


def clics_state(round_: Round, now: Any) -> dict[str, Any]:
    """The CLICS state object."""
    started = now >= round_.starts_at
    ended = now >= round_.ends_at
    frozen = round_.freeze_at is not None and now >= round_.freeze_at
    return {"started": abstime(round_.starts_at) if started else None,
            "frozen": abstime(round_.freeze_at) if frozen and round_.freeze_at else None,
            "ended": abstime(round_.ends_at) if ended else None,
            "thawed": abstime(round_.thawed_at) if round_.thawed_at else None,
            "finalized": abstime(round_.finalized_at) if round_.finalized_at else None,
            "end_of_updates": abstime(round_.finalized_at) if round_.finalized_at and (
                round_.thawed_at or not round_.freeze_at) else None}  # fmt: skip


def round_awards(round_: Round, viewer: Viewer) -> list[dict[str, Any]]:
    """CLICS awards from the board this viewer sees (frozen for the public)."""
    seen = seen_board(round_, viewer if viewer.kind != "participant" else PUBLIC)
    result = award_list(seen.board, rules_of(round_).mode, gold=round_.gold_medals,
                        silver=round_.silver_medals, bronze=round_.bronze_medals, solver_of={})  # fmt: skip
    for problem in round_.problems:  # the marks the viewer's board carries
        solver = seen.firsts.get(problem.label)
        result.append({"id": f"first-to-solve-{problem.label}",
                       "citation": f"First to solve problem {problem.label}",
                       "team_ids": [str(solver)] if solver is not None else []})  # fmt: skip
    result += group_winners(round_, viewer if viewer.kind != "participant" else PUBLIC)
    return result


def clics_group_id(section: str) -> str:
    """A course section's CLICS group id: its name when that is a CLICS identifier, else a
    digest of it (sections may hold spaces)."""
    if _IDENTIFIER.match(section):
        return section
    return "g" + hashlib.sha256(section.encode()).hexdigest()[:12]


def round_sections(round_: Round) -> list[str]:
    """The course sections that some participant of the round is in (the CLICS groups)."""
    if round_.course_id is None:
        return []
    return sorted(set(db.session.scalars(
        select(Enrollment.section)
        .join(ParticipantMember, ParticipantMember.user_id == Enrollment.user_id)
        .where(ParticipantMember.round_id == round_.id, Enrollment.course_id == round_.course_id,
               Enrollment.section != "")
    )))  # fmt: skip


def group_winners(round_: Round, viewer: Viewer) -> list[dict[str, Any]]:
    """Per group, the teams ranked first among its teams (with something solved or scored)."""
    found = []
    for section in round_sections(round_):
        seen = seen_board(round_, viewer, group=section)
        winners = [s for s in seen.board.standings if s.rank == 1 and (s.row.solved or s.row.score)]
        found.append({"id": f"group-winner-{clics_group_id(section)}",
                      "citation": f"Winner of {section}",
                      "team_ids": [str(s.row.participant_id) for s in winners]})  # fmt: skip
    return found


def resolver_json(round_: Round, now: Any) -> dict[str, Any]:
    """The frozen board, every reveal step (each with the revealed row and the new order), and
    the awards of the final board: what the projector's resolver plays."""
    names = {p.id: p.name for p in round_.participants if not p.virtual}
    labels = [p.label for p in round_.problems]
    rules = rules_of(round_)
    frozen, final = [], []
    for clock, items in all_attempts(round_):
        if clock.virtual:
            continue
        frozen += visible(items, freeze_seconds=clock.freeze, viewer=PUBLIC)
        final += visible(items, freeze_seconds=clock.freeze, viewer=STAFF)
    start, steps = reveal_steps(frozen, final, rules, names, labels)
    empty: dict[str, int | None] = {}

    def seen_of(board: Board) -> Seen:
        solver = {a.submission_id: a.participant_id for a in final}
        firsts = {k: solver.get(v) if v else None for k, v in board.first.items()} or empty
        return Seen(round_, board, names, set(), firsts)

    first_seen = seen_of(start)
    out_steps = []
    for step in steps:
        seen = seen_of(step.board)
        index = step.board.order().index(step.participant_id)
        out_steps.append({"participant_id": step.participant_id, "problem": step.problem,
                          "solved": step.cell.solved, "from": step.from_position,
                          "to": step.to_position, "row": row_json(seen, index),
                          "order": [[s.row.participant_id, s.rank] for s in step.board.standings]})  # fmt: skip
    final_board = steps[-1].board if steps else start
    result = award_list(final_board, rules.mode, gold=round_.gold_medals, silver=round_.silver_medals,
                        bronze=round_.bronze_medals,
                        solver_of={a.submission_id: a.participant_id for a in final})  # fmt: skip
    # Shown as at the finals: first to solve, then the medals from bronze up, the winner last.
    order = ["first-to-solve", "bronze-medal", "silver-medal", "gold-medal", "winner"]
    result.sort(key=lambda a: next(i for i, p in enumerate(order) if a["id"].startswith(p)))
    shown_awards = [dict(a, names=[names.get(int(t), t) for t in a["team_ids"]]) for a in result
                    if a["team_ids"]]  # fmt: skip
    return {"board": board_json(first_seen, now), "steps": out_steps, "awards": shown_awards}


def grades_csv(round_: Round) -> str:
    """The grade export: one line per student, each problem's points (late credit applied),
    the total, and which problems got late credit; the course's students who never took
    part follow, with 0."""
    out = io.StringIO()
    writer = csv.writer(out)
    problems = round_.problems
    writer.writerow(["student", "email", *[f"{p.label} ({p.points:g})" for p in problems],
                     "total", "late_credit_applied"])  # fmt: skip
    participants = {p.id: p for p in round_.participants}
    for clock, attempts in all_attempts(round_):
        if clock.virtual:
            continue  # a replay after the round is no grade: its students count as absent
        scores, late = [], []
        for problem in problems:
            mine = [a for a in attempts if a.problem == problem.label and not a.pending
                    and (a.verdict != "CE" or round_.ce_penalty)]  # fmt: skip
            best = max(mine, key=lambda a: (a.score * a.credit, -a.at_seconds), default=None)
            earned = round(problem.points * best.score * best.credit / 100, 2) if best else 0.0
            scores.append(earned)
            if best is not None and best.credit < 1:
                late.append(f"{problem.label} {best.credit:.0%}")
        for member in participants[clock.id].members:
            writer.writerow([_safe(member.user.name), _safe(member.user.email),
                             *[f"{s:g}" for s in scores], f"{sum(scores):g}", "; ".join(late)])  # fmt: skip
    for student in absent_students(round_):
        writer.writerow([_safe(student.name), _safe(student.email), *["0"] * len(problems), "0",
                         ""])  # fmt: skip
    return out.getvalue()


def absent_students(round_: Round) -> list[User]:
    """The students of the round's course who are on no participant of it, by name."""
    if round_.course_id is None:
        return []
    present = (
        select(ParticipantMember.user_id)
        .join(Participant, Participant.id == ParticipantMember.participant_id)
        .where(ParticipantMember.round_id == round_.id, Participant.virtual.is_(False))
    )
    return list(db.session.scalars(
        select(User).join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.course_id == round_.course_id, Enrollment.role == "student",
               User.id.not_in(present))
        .order_by(User.name, User.id)
    ))  # fmt: skip
