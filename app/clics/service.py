"""What the CLICS endpoints serve, per role: collections, state, scoreboard, awards."""

from __future__ import annotations

import contextlib
import json
from datetime import datetime
from typing import Any, cast

import redis

from app.clics import contest_data, groups, objects
from app.clics.contest_data import ContestData
from app.clics.ids import Ids
from app.clics.roles import Role
from app.errors import NotFound
from app.models import Round
from app.scoring import boards
from app.scoring.board import Board
from app.scoring.freeze import PUBLIC
from app.scoring.live import version_key
from app.scoring.times import abstime
from app.stores import get_redis

COLLECTIONS = ("judgement-types", "languages", "problems", "groups", "organizations", "teams",
               "persons", "accounts", "submissions", "judgements", "runs", "clarifications",
               "awards")  # fmt: skip


def state_at(round_: Round, now: datetime) -> dict[str, Any]:
    """The contest state at a moment: each transition that has happened by then."""

    def when(moment: datetime | None) -> str | None:
        return abstime(moment) if moment is not None and moment <= now else None

    # As app/scoring/boards.py `clics_state` at the present, and as of a moment in the feed.
    finalized = when(round_.finalized_at)
    done = finalized is not None and (round_.freeze_at is None or when(round_.thawed_at))
    return {"started": when(round_.starts_at), "frozen": when(round_.freeze_at),
            "ended": when(round_.ends_at), "thawed": when(round_.thawed_at), "finalized": finalized,
            "end_of_updates": finalized if done else None}  # fmt: skip


def collection(round_: Round, role: Role, endpoint: str, now: datetime,
               data: ContestData | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """One collection endpoint's objects as this role sees them."""
    if endpoint == "judgement-types":
        return objects.judgement_types(round_)
    if endpoint == "languages":
        return objects.languages(round_)
    if endpoint == "organizations":
        return groups.imported(round_, "organizations")
    if endpoint == "clarifications":
        return contest_data.clarifications(round_, role)
    if endpoint == "awards":
        return awards(round_, role)
    data = data or contest_data.load(round_, with_runs=endpoint in ("runs", "judgements"))
    readers = {"problems": lambda: contest_data.problems(data)
               if contest_data.problems_open(round_, role, now) else [],
               "groups": lambda: contest_data.groups(data),
               "teams": lambda: contest_data.teams(data),
               "persons": lambda: contest_data.persons(data, role),
               "accounts": lambda: contest_data.accounts(data, role),
               "submissions": lambda: contest_data.submissions(data, role),
               "judgements": lambda: contest_data.judgements(data, role),
               "runs": lambda: contest_data.runs(data, role)}  # fmt: skip
    if endpoint not in readers:
        raise NotFound(f"No endpoint {endpoint!r}.")
    return readers[endpoint]()


def section_of(round_: Round, group_id: str) -> str:
    """The course section a CLICS group id names; NotFound for one the round doesn't have."""
    for item in contest_data.groups(contest_data.load(round_, with_runs=False)):
        if item["id"] == group_id:
            return str(item["name"])
    raise NotFound(f"No group {group_id!r} in this contest.")


def scoreboard(
    round_: Round, role: Role, now: datetime, group_id: str | None = None
) -> dict[str, Any]:
    """The CLICS scoreboard this role sees (the freeze as on the public board)."""
    return Ids.of(round_).board(_scoreboard(round_, role, now, group_id))


def _scoreboard(round_: Round, role: Role, now: datetime, group_id: str | None) -> dict[str, Any]:
    teams = groups.members(round_, group_id) if group_id is not None else None
    if teams is not None:
        return boards.clics_scoreboard(
            groups.only(boards.seen_board(round_, role.viewer), teams), now
        )
    section = section_of(round_, group_id) if group_id is not None else None
    if section is not None or role.kind == "team":
        return boards.clics_scoreboard(boards.seen_board(round_, role.viewer, group=section), now)
    # The jury's and the public's rows are the same for everyone until the board changes:
    # kept in Redis under the board's version (as board.json is), the clock fresh each time.
    audience = boards.audience_of(role.viewer, round_)
    connection = get_redis()
    try:
        version = cast(bytes | None, connection.get(version_key(round_.id))) or b"0"
        name = f"clics:scoreboard:{round_.id}:{audience}:{version.decode()}"
        key: str | None = name
        rows = cast(bytes | None, connection.get(name))
    except redis.RedisError:
        key, rows = None, None
    if rows is not None:
        board = boards.clics_scoreboard(
            boards.Seen(round_, Board([], {}, {}, {}), {}, set(), {}), now
        )
        board["rows"] = json.loads(rows)
        return board
    board = boards.clics_scoreboard(boards.seen_board(round_, role.viewer), now)
    if key is not None:
        with contextlib.suppress(redis.RedisError):
            connection.set(
                key, json.dumps(board["rows"], separators=(",", ":")), ex=boards.CACHE_SECONDS
            )
    return board


def awards(round_: Round, role: Role) -> list[dict[str, Any]]:
    """Winner, medals, first to solve and group winners from the board this role sees (a
    team gets the public's: awards are everyone's, frozen until the thaw)."""
    found = boards.round_awards(round_, role.viewer)
    if groups.imported(round_, "groups"):
        found += groups.winners(
            boards.seen_board(round_, PUBLIC if role.kind == "team" else role.viewer)
        )
    return Ids.of(round_).awards(found)
