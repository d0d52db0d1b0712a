"""The `access` object: which endpoints and properties a role is served, and what it may do.

The property lists are the ones `objects` writes; a test checks every served object against
them, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from app.clics.roles import Role
from app.models import Round

_COMMON = {
    "contest": ["id", "name", "formal_name", "start_time", "countdown_pause_time", "duration",
                "scoreboard_freeze_duration", "scoreboard_type", "penalty_time"],
    "judgement-types": ["id", "name", "penalty", "solved"],
    "languages": ["id", "name", "entry_point_required", "entry_point_name", "extensions"],
    "problems": ["id", "label", "name", "ordinal", "color", "rgb", "time_limit",
                 "test_data_count", "max_score"],
    "groups": ["id", "icpc_id", "name"],
    "organizations": ["id", "icpc_id", "name", "formal_name", "url"],
    "teams": ["id", "name", "label", "display_name", "organization_id", "group_ids", "hidden"],
    "persons": ["id", "name", "role", "team_ids", "email"],
    "accounts": ["id", "username", "name", "type", "team_id", "person_id"],
    "state": ["started", "frozen", "ended", "thawed", "finalized", "end_of_updates"],
    "submissions": ["id", "language_id", "problem_id", "team_id", "time", "contest_time",
                    "entry_point", "files"],
    "judgements": ["id", "submission_id", "judgement_type_id", "score", "start_time",
                   "start_contest_time", "end_time", "end_contest_time", "max_run_time"],
    "runs": ["id", "judgement_id", "ordinal", "judgement_type_id", "time", "contest_time",
             "run_time"],
    "clarifications": ["id", "from_team_id", "to_team_id", "reply_to_id", "problem_id",
                       "text", "time", "contest_time"],
    "awards": ["id", "citation", "team_ids"],
    "scoreboard": ["time", "contest_time", "state", "rows"],
    "event-feed": ["type", "id", "data", "token"],
}  # fmt: skip


def properties(endpoint: str, role: Role, round_: Round) -> list[str]:
    """The properties of one endpoint's objects that this role is served."""
    found = list(_COMMON[endpoint])
    if endpoint == "persons" and role.kind != "admin":
        found.remove("email")
    if round_.scoring == "icpc":
        found = [p for p in found if not (endpoint in ("problems", "judgements")
                                          and p in ("max_score", "score"))]  # fmt: skip
    elif endpoint == "contest":
        found.remove("penalty_time")
    return found


def capabilities(role: Role) -> list[str]:
    """What this role may do through the API."""
    if role.kind == "admin":
        return ["contest_start", "contest_thaw", "admin_submit", "admin_clar"]
    if role.kind == "team":
        return ["team_submit", "team_clar"]
    return []


def access(round_: Round, role: Role) -> dict[str, Any]:
    """The access object of this role in this round."""
    return {
        "capabilities": capabilities(role),
        "endpoints": [{"type": endpoint, "properties": properties(endpoint, role, round_)}
                      for endpoint in _COMMON],
    }  # fmt: skip
