"""The groups and organizations an imported contest package gave (kept on the round and its
teams as given, since an imported team has no course section): what they serve, a group's
board and its winners. A codedev round's groups are its course's sections (scoring's)."""

from __future__ import annotations

from typing import Any

from app.models import Round
from app.scoring.attempts import rules_of
from app.scoring.board import Board
from app.scoring.boards import Seen
from app.scoring.standings import problem_counts, rank


def imported(round_: Round, endpoint: str) -> list[dict[str, Any]]:
    """The package's groups or organizations, as served."""
    return [dict(item) for item in (round_.clics or {}).get(endpoint, [])]


def members(round_: Round, group_id: str) -> set[int] | None:
    """The teams in an imported group; None if the round has no such imported group."""
    if not any(g["id"] == group_id for g in imported(round_, "groups")):
        return None
    return {p.id for p in round_.participants
            if group_id in (p.clics or {}).get("group_ids", [])}  # fmt: skip


def only(seen: Seen, teams: set[int]) -> Seen:
    """A board of these teams only, ranked among themselves (as scoring ranks a section)."""
    names = {pid: name for pid, name in seen.names.items() if pid in teams}
    rows = [s.row for s in seen.board.standings if s.row.participant_id in names]
    cells = {key: cell for key, cell in seen.board.cells.items() if key[0] in names}
    labels = [p.label for p in seen.round.problems]
    board = Board(rank(rows, names, rules_of(seen.round).mode), cells, {},
                  problem_counts(cells, labels))  # fmt: skip
    return Seen(seen.round, board, names, seen.virtual, seen.firsts, seen.titles)


def winners(seen: Seen) -> list[dict[str, Any]]:
    """Per imported group (by name, as sections are), its teams ranked first with something
    solved or scored: the group-winner awards, with codedev's team ids."""
    found = []
    for group in sorted(imported(seen.round, "groups"), key=lambda g: str(g["name"])):
        board = only(seen, members(seen.round, group["id"]) or set()).board
        first = [s.row.participant_id for s in board.standings if s.rank == 1
                 and s.row.participant_id not in seen.virtual and (s.row.solved or s.row.score)]  # fmt: skip
        found.append({"id": f"group-winner-{group['id']}", "citation": f"Winner of {group['name']}",
                      "team_ids": [str(pid) for pid in first]})  # fmt: skip
    return found
